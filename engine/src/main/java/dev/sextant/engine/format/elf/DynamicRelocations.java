package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import java.util.BitSet;
import java.util.OptionalLong;

/**
 * What the dynamic relocations ({@code DT_RELA}, {@code DT_REL}, {@code DT_JMPREL}) say about
 * symbols: which dynamic symbols some relocation refers to, and which are copy relocations (data
 * the executable copies out of a library at start-up). The relocations themselves are not kept.
 */
public record DynamicRelocations(BitSet referenced, BitSet copied, BitSet plt) {

    public static final int R_X86_64_COPY = 5, R_X86_64_JUMP_SLOT = 7, R_386_COPY = 5, R_386_JMP_SLOT = 7,
            R_AARCH64_COPY = 1024, R_AARCH64_JUMP_SLOT = 1026;

    /**
     * Reads the relocations of {@code dyn}; a relocation naming a symbol at or beyond {@code symbols}
     * (the dynamic symbol table's count) names none: a hostile index must not size the sets.
     */
    public static DynamicRelocations read(ByteReader file, ElfHeader eh, DynamicSection dyn, long symbols) {
        BitSet referenced = new BitSet(), copied = new BitSet(), plt = new BitSet();
        LoadMap map = dyn.loadMap();
        scan(file, eh, map, dyn.value(DynamicSection.DT_RELA), dyn.value(DynamicSection.DT_RELASZ), true, symbols, referenced, copied, plt);
        scan(file, eh, map, dyn.value(DynamicSection.DT_REL), dyn.value(DynamicSection.DT_RELSZ), false, symbols, referenced, copied, plt);
        OptionalLong pltrel = dyn.value(DynamicSection.DT_PLTREL);
        boolean rela = pltrel.isEmpty() ? eh.is64() : pltrel.getAsLong() == DynamicSection.DT_RELA;
        scan(file, eh, map, dyn.value(DynamicSection.DT_JMPREL), dyn.value(DynamicSection.DT_PLTRELSZ), rela, symbols, referenced, copied, plt);
        return new DynamicRelocations(referenced, copied, plt);
    }

    private static void scan(ByteReader file, ElfHeader eh, LoadMap map, OptionalLong addr, OptionalLong size, boolean rela, long symbols,
                             BitSet referenced, BitSet copied, BitSet plt) {
        if (addr.isEmpty() || size.isEmpty() || size.getAsLong() == 0) return;
        String what = rela ? "RELA relocations" : "REL relocations";
        ByteReader t = map.slice(file, what, addr.getAsLong(), size.getAsLong());
        int ent = eh.is64() ? (rela ? 24 : 16) : (rela ? 12 : 8);
        long n = t.size() / ent;
        int copyType = switch (eh.machine()) {
            case ElfHeader.EM_AARCH64 -> R_AARCH64_COPY;
            case ElfHeader.EM_X86_64, ElfHeader.EM_386 -> R_X86_64_COPY;
            case 40 -> 20; // R_ARM_COPY
            default -> -1;
        };
        int slotType = switch (eh.machine()) {
            case ElfHeader.EM_AARCH64 -> R_AARCH64_JUMP_SLOT;
            case ElfHeader.EM_X86_64, ElfHeader.EM_386 -> R_X86_64_JUMP_SLOT;
            case 40 -> 22; // R_ARM_JUMP_SLOT
            default -> -1;
        };
        // Copied out in bulk, as words: executables have 10^4–10^5 relocations, read once each.
        int words = ent / (eh.is64() ? 8 : 4);
        long[] w64 = eh.is64() ? t.s64Array(what, 0, (int) (n * words)) : null;
        int[] w32 = eh.is64() ? null : t.s32Array(what, 0, (int) (n * words));
        for (int i = 0; i < n; i++) {
            long info = eh.is64() ? w64[i * words + 1] : w32[i * words + 1] & 0xffffffffL;
            long sym = eh.is64() ? info >>> 32 : info >>> 8;
            int type = (int) (eh.is64() ? info & 0xffffffffL : info & 0xff);
            if (sym == 0 || sym >= symbols || sym > Integer.MAX_VALUE) continue;
            referenced.set((int) sym);
            if (type == copyType) copied.set((int) sym);
            if (type == slotType) plt.set((int) sym);
        }
    }
}
