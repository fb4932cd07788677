package dev.sextant.engine.symbols;

import dev.sextant.engine.elfutils.Demangler;
import dev.sextant.engine.elfutils.ElfSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One module's symbols sorted by address, for address → symbol by binary search. libdwfl's
 * {@code dwfl_module_addrinfo} scans the whole symbol table on every call (about 100 µs per lookup
 * in libLLVM's 100,000 symbols); this is built once per load and picks as libdwfl does: the
 * closest start whose size covers the address, global before weak before local at one address,
 * and a sizeless symbol only when nothing lies between it and the address. Demangled names are
 * made on first use. Engine thread only.
 */
final class SymbolTable {
    private static final int MAX_STEPS_BACK = 64;

    private final ElfSymbols.Table table;
    private List<ElfSymbols.Symbol> all;
    private final int[] order;          // index into table, by address
    private final long[] start;
    private final long[] size;
    private final String[] demangled;

    SymbolTable(ElfSymbols.Table table) {
        this.table = table;
        int n = 0;
        int[] idx = new int[table.count()];
        for (int i = 0; i < table.count(); i++) if (table.type(i) != ElfSymbols.STT_TLS) idx[n++] = i;
        order = java.util.Arrays.copyOf(idx, n);
        if (!sortPacked(order)) sort(order, 0, n - 1);
        start = new long[n];
        size = new long[n];
        demangled = new String[n];
        for (int i = 0; i < n; i++) {
            start[i] = table.address(order[i]);
            size[i] = table.size(order[i]);
        }
    }

    boolean readFromFile() { return table.readFromFile(); }

    /** Every symbol in table order (TLS ones included), made on first use: only searches by name need them. */
    List<ElfSymbols.Symbol> symbols() {
        if (all == null) {
            List<ElfSymbols.Symbol> list = new ArrayList<>(table.count());
            for (int i = 0; i < table.count(); i++) list.add(table.symbol(i));
            all = List.copyOf(list);
        }
        return all;
    }

    /** Address (signed, as before), then global before weak before local, then sized first, then table order. */
    private int compare(int a, int b) {
        int c = Long.compare(table.address(a), table.address(b));
        if (c != 0) return c;
        c = Integer.compare(rank(b), rank(a));
        if (c != 0) return c;
        c = Boolean.compare(table.size(a) == 0, table.size(b) == 0);
        return c != 0 ? c : Integer.compare(a, b);
    }

    private int rank(int i) {
        int b = table.binding(i);
        return b == 1 ? 3 : b == 2 ? 2 : b == 0 ? 1 : 0;
    }

    private static final int INDEX_BITS = 19, SPAN_BITS = 41;

    /**
     * The same order as {@link #compare}, as one sort of packed keys (address from the lowest, then
     * the inverted rank, sizeless, table index): one primitive sort instead of a comparison chain per
     * step, which a cold JVM runs interpreted (symbols over 10,000 libLLVM addresses, 45,000 symbols:
     * 197 -> 190 ms). False, with nothing changed, when the table is too large or spans too much to pack.
     */
    private boolean sortPacked(int[] idx) {
        int n = idx.length;
        if (n == 0) return true;
        if (table.count() >= 1 << INDEX_BITS) return false;
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i : idx) { long a = table.address(i); if (a < min) min = a; if (a > max) max = a; }
        long span = max - min;
        if (span < 0 || span >= 1L << SPAN_BITS) return false;   // overflowed, or too wide
        long[] keys = new long[n];
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            keys[k] = (table.address(i) - min) << (INDEX_BITS + 3) | (long) (3 - rank(i)) << (INDEX_BITS + 1)
                    | (table.size(i) == 0 ? 1L : 0L) << INDEX_BITS | i;
        }
        java.util.Arrays.sort(keys);
        for (int k = 0; k < n; k++) idx[k] = (int) (keys[k] & ((1 << INDEX_BITS) - 1));
        return true;
    }

    /** Quicksort of indices on primitive keys: a comparator chain over 10⁵ records costs more than reading the table. */
    private void sort(int[] idx, int lo, int hi) {
        while (hi - lo > 16) {
            int p = idx[(lo + hi) >>> 1], i = lo, j = hi;
            while (i <= j) {
                while (compare(idx[i], p) < 0) i++;
                while (compare(idx[j], p) > 0) j--;
                if (i <= j) { int t = idx[i]; idx[i] = idx[j]; idx[j] = t; i++; j--; }
            }
            if (j - lo < hi - i) { sort(idx, lo, j); lo = i; } else { sort(idx, i, hi); hi = j; }
        }
        for (int i = lo + 1; i <= hi; i++) {
            int x = idx[i], j = i - 1;
            while (j >= lo && compare(idx[j], x) > 0) { idx[j + 1] = idx[j]; j--; }
            idx[j + 1] = x;
        }
    }

    /**
     * The symbol at {@code address} and the offset into it, as libdwfl's {@code dwfl_module_addrinfo}
     * picks it: the closest sized symbol that covers the address; failing that, the closest sizeless
     * one (a hand-written assembly label) in the address's section that no sized symbol's end lies
     * beyond, and not one in a reserved section (the {@code SHN_ABS} version names at 0) unless it is
     * exactly at the address.
     * Looks back over at most {@value #MAX_STEPS_BACK} distinct starts.
     */
    Optional<Hit> at(long address) {
        int lo = 0, hi = start.length - 1, best = -1;
        while (lo <= hi) {                                  // last index with start <= address
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(start[mid], address) <= 0) { best = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (best < 0) return plt(address);
        int sizeless = -1;
        boolean sized = false;
        long maxEnd = 0;                                    // libdwfl's min_label
        int i = best;
        for (int group = 0; i >= 0 && group < MAX_STEPS_BACK; group++) {
            long s = start[i];
            int first = i;
            while (first > 0 && start[first - 1] == s) first--;
            for (int k = first; k <= i; k++) {
                if (size[k] != 0) {
                    if (Long.compareUnsigned(address - s, size[k]) < 0) return Optional.of(hit(k, address));
                    long end = s + size[k];
                    if (!sized || Long.compareUnsigned(end, maxEnd) > 0) maxEnd = end;
                    sized = true;
                } else if (sizeless < 0 && (table.special(order[k]) ? s == address : table.sameSection(order[k], address))) {
                    sizeless = k;
                }
            }
            i = first - 1;
        }
        if (sizeless >= 0 && (!sized || Long.compareUnsigned(start[sizeless], maxEnd) >= 0)) return Optional.of(hit(sizeless, address));
        return plt(address);
    }

    /** A PLT stub's name ({@code puts@plt}) where no symbol covers the address. */
    private Optional<Hit> plt(long address) {
        return table.pltStub(address).map(e -> new Hit(e.getKey(), e.getValue()));
    }

    private Hit hit(int k, long address) {
        if (demangled[k] == null) demangled[k] = Demangler.demangle(table.name(order[k]));
        return new Hit(demangled[k], address - start[k]);
    }

    record Hit(String name, long offset) {}
}
