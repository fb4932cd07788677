package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stubs of an x86-64 file's procedure linkage table named as binutils and gdb name them
 * ({@code puts@plt}; {@code *ABS*+0x9f550@plt} for an IFUNC resolved at load time). No symbol table
 * covers them, so a stack that stopped in one (a step into a library call lands there) would show
 * no name. Each stub of {@code .plt}, {@code .plt.sec} and {@code .plt.got} is decoded: its
 * {@code jmp *slot(%rip)} (after an {@code endbr64} and a {@code bnd} prefix, if any) gives the GOT
 * slot, and the dynamic relocation of that slot ({@code R_X86_64_JUMP_SLOT}, {@code GLOB_DAT} or
 * {@code IRELATIVE}) names it. Addresses are as in the file. Pure.
 */
public final class PltStubs {
    /** One stub: {@code [start, start + size)}. */
    public record Stub(long start, long size, String name) {}

    private static final int EM_X86_64 = 62, R_X86_64_GLOB_DAT = 6, R_X86_64_JUMP_SLOT = 7, R_X86_64_IRELATIVE = 37;
    private static final long SHF_INFO_LINK = 0x40;

    private PltStubs() {}

    /** The stubs of the file at {@code path}, by address; empty for other machines or a file without them. */
    public static List<Stub> ofFile(Path path) {
        try {
            return ElfSections.read(path, PltStubs::read);
        } catch (IOException | FormatException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /**
     * Where the PLT sections of the file at {@code path} lie, as {@code start, end} pairs (as in the
     * file): cheap, the headers only. Lookups that no symbol covers (two thirds of random addresses
     * in a stripped C++ library) ask it before anything else is read.
     */
    public static long[] ranges(Path path) {
        try {
            return ElfSections.read(path, f -> {
                long[] out = new long[0];
                for (SectionHeader s : f.sections()) {
                    if (!(s.name().equals(".plt") || s.name().equals(".plt.sec") || s.name().equals(".plt.got"))) continue;
                    if (s.type() != SectionHeader.SHT_PROGBITS || s.size() == 0) continue;
                    out = java.util.Arrays.copyOf(out, out.length + 2);
                    out[out.length - 2] = s.addr();
                    out[out.length - 1] = s.addr() + s.size();
                }
                return out;
            });
        } catch (IOException | FormatException | java.io.UncheckedIOException e) {
            return new long[0];
        }
    }

    /** The stubs of {@code file}, by address (a malformed table gives what could be read). */
    public static List<Stub> read(ElfSections file) {
        ElfHeader eh = file.header();
        if (eh.machine() != EM_X86_64 || !eh.is64()) return List.of();
        boolean pltGot = file.sections().stream().anyMatch(s -> s.name().equals(".plt.got") && s.size() > 0);
        Map<Long, String> bySlot = slots(file, pltGot);
        if (bySlot.isEmpty()) return List.of();
        List<Stub> out = new ArrayList<>();
        for (SectionHeader s : file.sections()) {
            if (!s.name().equals(".plt") && !s.name().equals(".plt.sec") && !s.name().equals(".plt.got")) continue;
            if (s.type() != SectionHeader.SHT_PROGBITS || s.size() == 0) continue;
            // older linkers leave the entry size 0: .plt.got's stubs are 8 bytes, the others 16
            long entry = s.entsize() == 8 || s.entsize() == 16 ? s.entsize() : s.name().equals(".plt.got") ? 8 : 16;
            ByteReader code = file.data(s);
            for (long o = 0; o + entry <= code.size(); o += entry) {
                long slot = jumpSlot(code, o, entry, s.addr() + o);
                String name = slot == -1 ? null : bySlot.get(slot);
                if (name != null) out.add(new Stub(s.addr() + o, entry, name + "@plt"));
            }
        }
        out.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        return out;
    }

    /** The GOT slot a stub jumps through ({@code ff 25 disp32}, RIP-relative), or -1. */
    private static long jumpSlot(ByteReader code, long o, long entry, long address) {
        int p = 0;
        if (entry >= 8 && code.u8("PLT stub", o) == 0xf3 && code.u8("PLT stub", o + 1) == 0x0f
                && code.u8("PLT stub", o + 2) == 0x1e && code.u8("PLT stub", o + 3) == 0xfa) p = 4;   // endbr64
        if (code.u8("PLT stub", o + p) == 0xf2) p++;                                                    // bnd
        if (p + 6 > entry) return -1;
        if (code.u8("PLT stub", o + p) != 0xff || code.u8("PLT stub", o + p + 1) != 0x25) return -1;
        return address + p + 6 + code.s32("PLT stub", o + p + 2);
    }

    /**
     * GOT slot → name, from the dynamic relocations that fill the slots: those of the PLT
     * ({@code .rela.plt}, marked {@code SHF_INFO_LINK}); the others ({@code .rela.dyn}, megabytes in
     * a large C++ library) only when a {@code .plt.got} jumps through {@code GLOB_DAT} slots.
     */
    private static Map<Long, String> slots(ElfSections file, boolean pltGot) {
        Map<Long, String> out = new HashMap<>();
        for (SectionHeader s : file.sections()) {
            if (s.type() != SectionHeader.SHT_RELA || s.entsize() != 24) continue;
            if ((s.flags() & SHF_INFO_LINK) == 0 && !pltGot) continue;
            if (s.link() <= 0 || s.link() >= file.sections().size()) continue;
            SectionHeader symtab = file.sections().get(s.link());
            if (symtab.type() != SectionHeader.SHT_DYNSYM || symtab.link() <= 0 || symtab.link() >= file.sections().size()) continue;
            try {
                ByteReader rela = file.data(s), syms = file.data(symtab), names = file.data(file.sections().get(symtab.link()));
                for (long o = 0; o + 24 <= rela.size(); o += 24) {
                    long offset = rela.u64("relocation", o), info = rela.u64("relocation", o + 8);
                    long addend = rela.s64("relocation", o + 16);
                    int type = (int) info, sym = (int) (info >>> 32);
                    if (type == R_X86_64_IRELATIVE) {
                        out.putIfAbsent(offset, "*ABS*+0x" + Long.toHexString(addend));
                    } else if ((type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT) && sym > 0 && 24L * sym + 24 <= syms.size()) {
                        Optional<String> name = name(syms, names, sym);
                        name.ifPresent(n -> out.putIfAbsent(offset, n));
                    }
                }
            } catch (FormatException e) {
                // a damaged relocation table names fewer stubs
            }
        }
        return out;
    }

    private static Optional<String> name(ByteReader syms, ByteReader names, int sym) {
        long off = syms.u32("symbol", 24L * sym);
        if (off == 0 || off >= names.size()) return Optional.empty();
        String n = names.cString("symbol name", off, 4096);
        return n.isEmpty() ? Optional.empty() : Optional.of(n);
    }
}
