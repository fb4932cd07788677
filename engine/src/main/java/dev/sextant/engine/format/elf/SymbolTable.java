package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The function symbols of an ELF file ({@code .symtab}, else {@code .dynsym}), sorted by address for
 * "which function contains this address". Link-time addresses. Immutable. A symbol table that cannot
 * be read is left out (the caller still has its unwind tables), see {@link #problems()}.
 */
public final class SymbolTable {
    /** One function symbol: {@code [value, value+size)}. */
    public record Symbol(long value, long size, String name) {}

    private static final int STT_FUNC = 2, STT_GNU_IFUNC = 10;
    private final Symbol[] sorted;
    private final List<String> problems;

    private SymbolTable(Symbol[] sorted, List<String> problems) { this.sorted = sorted; this.problems = problems; }

    public static SymbolTable read(ByteReader file, ElfHeader eh, List<SectionHeader> sections) {
        List<Symbol> syms = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean haveSymtab = sections.stream().anyMatch(s -> s.type() == SectionHeader.SHT_SYMTAB);
        for (SectionHeader s : sections) {
            if (s.type() != (haveSymtab ? SectionHeader.SHT_SYMTAB : SectionHeader.SHT_DYNSYM)) continue;
            try {
                readOne(file.withOrder(eh.order()), eh, sections, s, syms);
            } catch (FormatException e) {
                problems.add(e.getMessage());
            }
        }
        Symbol[] arr = syms.toArray(new Symbol[0]);
        Arrays.sort(arr, (a, b) -> {
            int c = Long.compareUnsigned(a.value, b.value);
            return c != 0 ? c : Long.compare(b.size, a.size);
        });
        return new SymbolTable(arr, List.copyOf(problems));
    }

    private static void readOne(ByteReader file, ElfHeader eh, List<SectionHeader> sections, SectionHeader s, List<Symbol> out) {
        int entsize = eh.is64() ? 24 : 16;
        if (s.link() <= 0 || s.link() >= sections.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, s.offset(), "section " + s.name(), "string table link " + s.link());
        }
        ByteReader tab = s.data(file);
        ByteReader str = sections.get(s.link()).data(file);
        long n = tab.size() / entsize;
        for (long i = 1; i < n; i++) {
            long o = i * entsize;
            String w = s.name() + " symbol " + i;
            long nameOff = tab.u32(w, o);
            int info, shndx;
            long value, size;
            if (eh.is64()) {
                info = tab.u8(w, o + 4); shndx = tab.u16(w, o + 6); value = tab.u64(w, o + 8); size = tab.u64(w, o + 16);
            } else {
                value = tab.u32(w, o + 4); size = tab.u32(w, o + 8); info = tab.u8(w, o + 12); shndx = tab.u16(w, o + 14);
            }
            int type = info & 0xf;
            if ((type != STT_FUNC && type != STT_GNU_IFUNC) || shndx == 0 || nameOff >= str.size()) continue;
            out.add(new Symbol(value, size, str.cString(w + " name", nameOff, 4096)));
        }
    }

    public int size() { return sorted.length; }
    public List<String> problems() { return problems; }

    /** The function containing {@code address} (a zero-sized symbol matches only its own address). */
    public Optional<Symbol> containing(long address) {
        int lo = 0, hi = sorted.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(sorted[mid].value, address) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        for (int i = found; i >= 0 && i > found - 8; i--) {
            Symbol s = sorted[i];
            long end = s.value + Math.max(s.size, 1);
            if (Long.compareUnsigned(address, end) < 0) {
                // the first with this value, largest size first
                int j = i;
                while (j > 0 && sorted[j - 1].value == s.value && Long.compareUnsigned(address, sorted[j - 1].value + Math.max(sorted[j - 1].size, 1)) < 0) j--;
                return Optional.of(sorted[j]);
            }
        }
        return Optional.empty();
    }
}
