package dev.sextant.engine.symbols;

import dev.sextant.engine.elfutils.jna.Demangler;
import dev.sextant.engine.elfutils.jna.DwflSymbols;
import java.util.ArrayList;
import java.util.Comparator;
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

    private final List<DwflSymbols.Symbol> all;
    private final long[] start;
    private final long[] size;
    private final String[] name;
    private final String[] demangled;

    SymbolTable(List<DwflSymbols.Symbol> symbols) {
        this.all = List.copyOf(symbols);
        List<DwflSymbols.Symbol> sorted = new ArrayList<>();
        for (DwflSymbols.Symbol s : symbols) if (s.type() != DwflSymbols.STT_TLS) sorted.add(s);
        sorted.sort(Comparator.comparingLong(DwflSymbols.Symbol::address)
                .thenComparing(Comparator.comparingInt(DwflSymbols.Symbol::bindingRank).reversed())
                .thenComparing(s -> s.size() == 0));
        start = new long[sorted.size()];
        size = new long[sorted.size()];
        name = new String[sorted.size()];
        demangled = new String[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            start[i] = sorted.get(i).address();
            size[i] = sorted.get(i).size();
            name[i] = sorted.get(i).name();
        }
    }

    List<DwflSymbols.Symbol> symbols() { return all; }

    /** The symbol at {@code address} and the offset into it. */
    Optional<Hit> at(long address) {
        int lo = 0, hi = start.length - 1, best = -1;
        while (lo <= hi) {                                  // last index with start <= address
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(start[mid], address) <= 0) { best = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (best < 0) return Optional.empty();
        int sizeless = -1;
        int i = best;
        for (int group = 0; i >= 0 && group < MAX_STEPS_BACK; group++) {
            long s = start[i];
            int first = i;
            while (first > 0 && start[first - 1] == s) first--;
            for (int k = first; k <= i; k++) {
                if (size[k] != 0 && Long.compareUnsigned(address - s, size[k]) < 0) return Optional.of(hit(k, address));
                if (size[k] == 0 && group == 0 && sizeless < 0) sizeless = k;
            }
            i = first - 1;
        }
        return sizeless >= 0 ? Optional.of(hit(sizeless, address)) : Optional.empty();
    }

    private Hit hit(int k, long address) {
        if (demangled[k] == null) demangled[k] = Demangler.demangle(name[k]);
        return new Hit(demangled[k], address - start[k]);
    }

    record Hit(String name, long offset) {}
}
