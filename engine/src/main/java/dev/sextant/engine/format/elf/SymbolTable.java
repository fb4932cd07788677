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

    private static final int STT_FUNC = 2, STT_GNU_IFUNC = 10, SHN_LORESERVE = 0xff00;
    // Parallel arrays sorted by value (then larger size first, then the binding libdwfl prefers); names are decoded only when asked for,
    // since a large library has tens of thousands of symbols and a lookup needs a few.
    private final long[] values;
    private final long[] sizes;
    private final long[] nameOffsets;
    private final ByteReader[] nameTables;
    private final int[] nameTableOf;
    private final List<String> problems;
    private final boolean full;

    private SymbolTable(long[] values, long[] sizes, long[] nameOffsets, ByteReader[] nameTables, int[] nameTableOf,
                        List<String> problems, boolean full) {
        this.values = values; this.sizes = sizes; this.nameOffsets = nameOffsets; this.nameTables = nameTables;
        this.nameTableOf = nameTableOf; this.problems = problems; this.full = full;
    }

    /** The function symbols of the file at {@code path}, read section by section. */
    public static SymbolTable open(java.nio.file.Path path) throws java.io.IOException {
        return ElfSections.read(path, f -> read(f.header(), f.sections(), f::data));
    }

    public static SymbolTable read(ByteReader file, ElfHeader eh, List<SectionHeader> sections) {
        ByteReader f = file.withOrder(eh.order());
        return read(eh, sections, s -> s.data(f));
    }

    /** As {@link #read(ByteReader, ElfHeader, List)}, with each section's bytes from {@code data} (a file read piece by piece). */
    public static SymbolTable read(ElfHeader eh, List<SectionHeader> sections, java.util.function.Function<SectionHeader, ByteReader> data) {
        List<String> problems = new ArrayList<>();
        boolean haveSymtab = sections.stream().anyMatch(s -> s.type() == SectionHeader.SHT_SYMTAB);
        Raw raw = new Raw();
        List<ByteReader> tables = new ArrayList<>();
        for (SectionHeader s : sections) {
            if (s.type() != (haveSymtab ? SectionHeader.SHT_SYMTAB : SectionHeader.SHT_DYNSYM)) continue;
            try {
                readOne(data, eh, sections, s, raw, tables);
            } catch (FormatException e) {
                problems.add(e.getMessage());
            }
        }
        int[] idx = new int[raw.n];
        for (int i = 0; i < raw.n; i++) idx[i] = i;
        sort(idx, 0, raw.n - 1, raw);
        long[] v = new long[raw.n], sz = new long[raw.n], no = new long[raw.n];
        int[] tab = new int[raw.n];
        for (int i = 0; i < raw.n; i++) {
            int k = idx[i];
            v[i] = raw.values[k]; sz[i] = raw.sizes[k]; no[i] = raw.names[k]; tab[i] = raw.table[k];
        }
        return new SymbolTable(v, sz, no, tables.toArray(new ByteReader[0]), tab, List.copyOf(problems), haveSymtab);
    }

    /**
     * Order: value ascending (unsigned), then size descending, then global before unique before weak
     * before local, then index: a deterministic total order. Of aliases, the first is the name libdwfl
     * (eu-stack, eu-addr2line) gives the address: libc's {@code __nanosleep}, not its weak {@code nanosleep}.
     */
    private static int compare(int a, int b, Raw raw) {
        int c = Long.compareUnsigned(raw.values[a], raw.values[b]);
        if (c != 0) return c;
        c = Long.compareUnsigned(raw.sizes[b], raw.sizes[a]);
        if (c != 0) return c;
        c = Integer.compare(raw.ranks[b], raw.ranks[a]);
        return c != 0 ? c : Integer.compare(a, b);
    }

    /** libdwfl's {@code binding_value}: STB_GLOBAL 3, STB_GNU_UNIQUE 2, STB_WEAK 1, others 0. */
    private static byte rank(int info) {
        return switch (info >>> 4) {
            case 1 -> 3;
            case 10 -> 2;
            case 2 -> 1;
            default -> 0;
        };
    }

    /** Quicksort of an index array on primitive keys (boxing 10⁵ indices costs more than reading the table). */
    private static void sort(int[] idx, int lo, int hi, Raw raw) {
        while (hi - lo > 16) {
            int p = idx[(lo + hi) >>> 1], i = lo, j = hi;
            while (i <= j) {
                while (compare(idx[i], p, raw) < 0) i++;
                while (compare(idx[j], p, raw) > 0) j--;
                if (i <= j) { int t = idx[i]; idx[i] = idx[j]; idx[j] = t; i++; j--; }
            }
            if (j - lo < hi - i) { sort(idx, lo, j, raw); lo = i; }
            else { sort(idx, i, hi, raw); hi = j; }
        }
        for (int i = lo + 1; i <= hi; i++) {
            int x = idx[i], j = i - 1;
            while (j >= lo && compare(idx[j], x, raw) > 0) { idx[j + 1] = idx[j]; j--; }
            idx[j + 1] = x;
        }
    }

    private static final class Raw {
        long[] values = new long[1024], sizes = new long[1024], names = new long[1024];
        int[] table = new int[1024];
        byte[] ranks = new byte[1024];
        int n;

        void add(long value, long size, long name, int t, byte rank) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2); sizes = Arrays.copyOf(sizes, n * 2);
                names = Arrays.copyOf(names, n * 2); table = Arrays.copyOf(table, n * 2); ranks = Arrays.copyOf(ranks, n * 2);
            }
            values[n] = value; sizes[n] = size; names[n] = name; table[n] = t; ranks[n] = rank;
            n++;
        }
    }

    private static void readOne(java.util.function.Function<SectionHeader, ByteReader> data, ElfHeader eh, List<SectionHeader> sections,
                                SectionHeader s, Raw out, List<ByteReader> tables) {
        int entsize = eh.is64() ? 24 : 16;
        if (s.link() <= 0 || s.link() >= sections.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, s.offset(), "section " + s.name(), "string table link " + s.link());
        }
        ByteReader tab = data.apply(s);
        ByteReader str = data.apply(sections.get(s.link()));
        int t = tables.size();
        tables.add(str);
        long n = tab.size() / entsize;
        String w = s.name() + " symbol";
        if (eh.is64() && eh.order() == java.nio.ByteOrder.LITTLE_ENDIAN && n > 1 && n * 3 < Integer.MAX_VALUE - 8) {
            // one bulk copy, then three words per entry: name|info<<32|other<<40|shndx<<48, value, size
            long[] raw = tab.s64Array(w, 0, (int) (n * 3));
            long strSize = str.size();
            for (int i = 1; i < n; i++) {
                long w0 = raw[3 * i];
                long nameOff = w0 & 0xffff_ffffL;
                int type = (int) (w0 >>> 32) & 0xf, shndx = (int) (w0 >>> 48) & 0xffff;
                if ((type != STT_FUNC && type != STT_GNU_IFUNC) || shndx == 0 || nameOff >= strSize) continue;
                long value = raw[3 * i + 1];
                if (eh.type() == ElfHeader.ET_REL && shndx < SHN_LORESERVE && shndx < sections.size()) value += sections.get(shndx).addr();
                out.add(value, raw[3 * i + 2], nameOff, t, rank((int) (w0 >>> 32) & 0xff));
            }
            return;
        }
        for (long i = 1; i < n; i++) {
            long o = i * entsize;
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
            // In a relocatable object a value is relative to its section; a JIT that registers one
            // (LLVM's) sets the section's sh_addr to where it loaded it.
            if (eh.type() == ElfHeader.ET_REL && shndx < SHN_LORESERVE && shndx < sections.size()) value += sections.get(shndx).addr();
            out.add(value, size, nameOff, t, rank(info));
        }
    }

    public int size() { return values.length; }

    /**
     * True when these came from a {@code .symtab} (every function, static ones included); false for a
     * stripped file's {@code .dynsym} (exported functions only) or no table at all.
     */
    public boolean full() { return full; }
    public List<String> problems() { return problems; }

    /** Symbol {@code i} in address order ({@code 0 <= i < size()}). */
    public Symbol symbolAt(int i) { return symbol(i); }

    /** The address of symbol {@code i} in address order, without reading its name. */
    public long valueAt(int i) { return values[i]; }

    /** The size of symbol {@code i} in address order. */
    public long sizeAt(int i) { return sizes[i]; }

    /**
     * The name of symbol {@code i} as the bytes of the string table (no NUL, not decoded: the name of
     * {@link #symbolAt} is these bytes as UTF-8); null when they cannot be read.
     */
    public byte[] nameBytesAt(int i) {
        try {
            return nameTables[nameTableOf[i]].cStringBytes("symbol name", nameOffsets[i], 4096);
        } catch (FormatException e) {
            return null;
        }
    }

    private Symbol symbol(int i) {
        String name;
        try {
            name = nameTables[nameTableOf[i]].cString("symbol name", nameOffsets[i], 4096);
        } catch (FormatException e) {
            name = "<bad name>";
        }
        return new Symbol(values[i], sizes[i], name);
    }

    /** The function containing {@code address} (a zero-sized symbol matches only its own address). */
    public Optional<Symbol> containing(long address) {
        int i = indexContaining(address);
        return i < 0 ? Optional.empty() : Optional.of(symbol(i));
    }

    /** The index ({@link #symbolAt}) of {@link #containing}'s symbol, or -1: nothing made. */
    public int indexContaining(long address) {
        int found = lastAtOrBefore(address);
        for (int i = found; i >= 0 && i > found - 8; i--) {
            if (Long.compareUnsigned(address - values[i], Math.max(sizes[i], 1)) < 0) {
                int j = i;   // the first with this value: the largest
                while (j > 0 && values[j - 1] == values[i]
                        && Long.compareUnsigned(address - values[j - 1], Math.max(sizes[j - 1], 1)) < 0) j--;
                return j;
            }
        }
        return -1;
    }

    /** The index of the last symbol whose value is at most {@code address} (the address order is unsigned), or -1. */
    public int lastAtOrBefore(long address) {
        int lo = 0, hi = values.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(values[mid], address) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found;
    }

    /** Every function symbol, by address (then larger first): a disassembler's list of functions. */
    public List<Symbol> functions() {
        List<Symbol> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) out.add(symbol(i));
        return out;
    }

    /** The function symbols called {@code name} (a file may define a local name twice), by address. */
    public List<Symbol> named(String name) {
        List<Symbol> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Symbol s = symbol(i);
            if (s.name().equals(name)) out.add(s);
        }
        return out;
    }
}
