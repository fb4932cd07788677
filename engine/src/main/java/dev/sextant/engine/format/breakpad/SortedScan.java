package dev.sextant.engine.format.breakpad;

import dev.sextant.engine.format.io.ByteReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Lookups in a large symbol file without indexing it: a binary search over the mapped bytes, as
 * dump_syms lays the file out (header records, then {@code FUNC} records in address order with their
 * {@code LINE}/{@code INLINE} bodies and any {@code PUBLIC}s, then {@code STACK CFI} in address order,
 * then {@code STACK WIN}). A probe at a byte offset goes to the next line start and reads forward to
 * the next record of the kind sought; a lookup touches a few dozen lines, so a frame costs a few pages
 * of a file and never the whole of it. {@link #consistent} tells whether what a lookup met fits that
 * order; the caller indexes the file the slow way when it does not. Thread-safe (reads only, and the
 * header map is made under a lock).
 */
final class SortedScan {
    /** Lines of a function body or of PUBLICs read past before a probe gives up and calls its position "after". */
    private static final int MAX_SKIP_LINES = 4096;
    static final long NONE = -1;

    private final ByteReader data;
    private final long size;
    private Map<Long, Long> files, origins;      // id -> offset of the name
    private volatile boolean consistent = true;

    SortedScan(ByteReader data) {
        this.data = data;
        this.size = data.size();
    }

    boolean consistent() { return consistent; }

    private int at(long p) { return data.u8("symbol file", p); }

    /** The offset of the first line that starts at or after {@code p}. */
    private long lineStartFrom(long p) {
        if (p <= 0) return 0;
        for (long i = p - 1; i < size; i++) if (at(i) == '\n') return i + 1;
        return size;
    }

    long lineEnd(long p) {
        for (long i = p; i < size; i++) if (at(i) == '\n') return i;
        return size;
    }

    private boolean starts(long p, String word) {
        if (p + word.length() > size) return false;
        for (int i = 0; i < word.length(); i++) if (at(p + i) != word.charAt(i)) return false;
        return true;
    }

    private long hexAt(long p) {
        long v = 0;
        int digits = 0;
        for (; p < size && digits < 17; p++, digits++) {
            int d = Character.digit(at(p), 16);
            if (d < 0) break;
            v = v << 4 | d;
        }
        return digits == 0 ? NONE : v;
    }

    private long skipToken(long p) {
        while (p < size && at(p) != ' ' && at(p) != '\n') p++;
        return p < size && at(p) == ' ' ? p + 1 : p;
    }

    private static final int BEFORE = 0, RECORD = 1, AFTER = 2;
    /** What a search looks for: FUNCs, STACK CFI INITs, FUNCs and PUBLICs together, PUBLICs alone (dump_syms's block). */
    static final int K_FUNC = 0, K_CFI = 1, K_MIXED = 2, K_PUBLIC = 3;

    /** The FUNC record at or before {@code address} in file order: its line offset, or {@link #NONE}. */
    long function(long address) { return floor(true, address); }

    /** The STACK CFI INIT record at or before {@code address}: its line offset, or {@link #NONE}. */
    long cfiInit(long address) { return floor(false, address); }

    /** The address (and with {@code size}, the size) of the record at {@code line}. */
    long[] addressAndSize(long line, boolean function) {
        long p = line + (starts(line, "PUBLIC ") ? 7 : function ? 5 : 15);
        if (function && starts(p, "m ")) p += 2;
        long a = hexAt(p);
        long s = hexAt(skipToken(p));
        return new long[]{a, s};
    }

    /** The records found lately, per kind: {address, size, line} rows, tried before a search (a stack revisits its functions). */
    private static final int RECENT = 64;
    private final long[][] recent = {new long[RECENT * 3], new long[RECENT * 3]};
    private final int[] recentNext = new int[2], recentCount = new int[2];

    /** The record found before that holds {@code address}, or {@link #NONE}. */
    private synchronized long recent(boolean function, long address) {
        long[] r = recent[function ? 0 : 1];
        for (int i = 0, n = recentCount[function ? 0 : 1]; i < n; i++) {
            if (Long.compareUnsigned(address - r[i * 3], r[i * 3 + 1]) < 0) return r[i * 3 + 2];
        }
        return NONE;
    }

    private synchronized void remember(boolean function, long line) {
        int k = function ? 0 : 1, i = recentNext[k];
        long[] as = addressAndSize(line, function);
        if (as[0] == NONE || as[1] == NONE) return;
        recent[k][i * 3] = as[0]; recent[k][i * 3 + 1] = as[1]; recent[k][i * 3 + 2] = line;
        recentNext[k] = (i + 1) % RECENT;
        recentCount[k] = Math.min(RECENT, recentCount[k] + 1);
    }

    private long floor(boolean function, long address) {
        long known = recent(function, address);
        if (known != NONE) return known;
        long found = search(function ? K_FUNC : K_CFI, 0, size, address);
        if (found != NONE && consistent) remember(function, found);
        return found;
    }

    long search(int kind, long from, long to, long address) {
        boolean function = kind != K_CFI;
        long lo = from, hi = to, best = NONE, bestAddress = 0;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            long[] probe = probe(lineStartFrom(mid), hi, kind);
            if (probe[0] == BEFORE) { lo = probe[1]; continue; }
            if (probe[0] == AFTER) { hi = mid; continue; }
            long a = addressAndSize(probe[1], function)[0];
            if (a == NONE) { consistent = false; return NONE; }
            if (Long.compareUnsigned(a, address) <= 0) {
                if (best != NONE && Long.compareUnsigned(a, bestAddress) < 0) consistent = false;
                best = probe[1]; bestAddress = a;
                lo = lineEnd(probe[1]) + 1;
            } else {
                hi = mid;
            }
        }
        if (best != NONE) {
            // The next record of the kind must lie above the one found; else the file is not in order.
            long[] next = probe(lineEnd(best) + 1, to, kind);
            if (next[0] == RECORD && Long.compareUnsigned(addressAndSize(next[1], function)[0], bestAddress) < 0) consistent = false;
        }
        return best;
    }

    /**
     * From the line at {@code p}: {BEFORE, where to go on} when it lies before the records sought,
     * {AFTER} when past them, {RECORD, line} for the first record of the kind at or after it.
     */
    private long[] probe(long p, long limit, int kind) {
        for (int skipped = 0; p < size && p < limit && skipped < MAX_SKIP_LINES; skipped++) {
            if (kind == K_PUBLIC) {
                if (starts(p, "PUBLIC ")) return new long[]{RECORD, p};
                consistent = false;             // the PUBLIC block holds nothing else
                return new long[]{AFTER};
            } else if (kind != K_CFI) {
                if (starts(p, "FUNC ") || kind == K_MIXED && starts(p, "PUBLIC ")) return new long[]{RECORD, p};
                if (starts(p, "STACK ")) return new long[]{AFTER};
                if (starts(p, "FILE ") || starts(p, "INLINE_ORIGIN ") || starts(p, "MODULE ") || starts(p, "INFO "))
                    return new long[]{BEFORE, lineEnd(p) + 1};
            } else {
                if (starts(p, "STACK CFI INIT ")) return new long[]{RECORD, p};
                if (starts(p, "STACK WIN ")) return new long[]{AFTER};
                if (!starts(p, "STACK CFI ")) return new long[]{BEFORE, lineEnd(p) + 1};
            }
            p = lineEnd(p) + 1;                 // a body line, a PUBLIC or a CFI delta: read on
        }
        return new long[]{AFTER};
    }

    /** Where dump_syms's block of PUBLICs lies ({from, to}), {0, 0} when PUBLICs are mixed with the FUNCs; found once. */
    private long[] publicBlock;

    /**
     * The PUBLIC whose address is the greatest at or below {@code address} when no FUNC starts between
     * it and the address (Breakpad's processor's rule), as its line offset, or {@link #NONE}.
     */
    long publicSymbol(long address) {
        long[] block = publicBlock();
        if (block[1] == block[0]) {                          // mixed in address order with the FUNCs (Sextant's export)
            long at = search(K_MIXED, 0, size, address);
            return at != NONE && starts(at, "PUBLIC ") ? at : NONE;
        }
        long p = search(K_PUBLIC, block[0], block[1], address);
        if (p == NONE) return NONE;
        long f = function(address);
        return f == NONE || Long.compareUnsigned(addressAndSize(p, true)[0], addressAndSize(f, true)[0]) > 0 ? p : NONE;
    }

    private synchronized long[] publicBlock() {
        if (publicBlock != null) return publicBlock;
        long stack = firstLine(0, size, "STACK ");
        long last = stack;
        do last = previousLine(last); while (last > 0 && lineEnd(last) == last);       // over blank lines
        publicBlock = new long[]{0, 0};
        if (last < 0 || !starts(last, "PUBLIC ")) return publicBlock;
        long from = firstLine(0, stack, "PUBLIC ");
        // dump_syms: only PUBLIC lines from there on (a sample says so), the first below the last FUNC.
        for (int k = 0; k < 32; k++) {
            long p = lineStartFrom(from + (stack - from) * k / 32);
            if (p < stack && !starts(p, "PUBLIC ")) return publicBlock;
        }
        long lastFunction = search(K_FUNC, 0, size, NONE);    // NONE is also the greatest unsigned address
        if (lastFunction == NONE || Long.compareUnsigned(addressAndSize(from, true)[0], addressAndSize(lastFunction, true)[0]) < 0) {
            publicBlock = new long[]{from, stack};
        }
        return publicBlock;
    }

    /** The first line in [{@code from}, {@code to}) that starts with {@code word}, where all later lines do too ({@code to} if none). */
    private long firstLine(long from, long to, String word) {
        long lo = from, hi = to;
        while (lo < hi) {
            long p = lineStartFrom((lo + hi) >>> 1);
            if (p >= to || starts(p, word)) hi = (lo + hi) >>> 1;
            else lo = lineEnd(p) + 1;
        }
        return Math.min(lineStartFrom(lo), to);
    }

    /** The start of the line before the one at {@code line}, or -1. */
    private long previousLine(long line) {
        if (line <= 0) return -1;
        long i = line - 2;
        while (i >= 0 && at(i) != '\n') i--;
        return i + 1;
    }

    /** The end of the lines that follow the record at {@code line} and belong to it (a FUNC's body, an INIT's deltas). */
    long bodyEnd(long line, boolean function) {
        long p = lineEnd(line) + 1;
        while (p < size) {
            // A LINE starts with its hex address (and F is a hex digit: FUNC and FILE are not LINEs).
            boolean body = function ? (Character.digit(at(p), 16) >= 0 && !starts(p, "FUNC ") && !starts(p, "FILE ")
                    || starts(p, "INLINE ") && !starts(p, "INLINE_ORIGIN "))
                    : starts(p, "STACK CFI ") && !starts(p, "STACK CFI INIT ");
            if (!body) break;
            p = lineEnd(p) + 1;
        }
        return Math.min(p, size);
    }

    /** The offset of the name of {@code FILE id} ({@code file}) or {@code INLINE_ORIGIN id}: read from the header once. */
    synchronized Optional<Long> name(boolean file, long id) {
        if (files == null) readHeader();
        return Optional.ofNullable((file ? files : origins).get(id));
    }

    private void readHeader() {
        files = new HashMap<>();
        origins = new HashMap<>();
        for (long p = 0; p < size; p = lineEnd(p) + 1) {
            boolean f = starts(p, "FILE "), o = !f && starts(p, "INLINE_ORIGIN ");
            if (f || o) {
                long q = p + (f ? 5 : 14);
                long id = 0;
                int digits = 0;
                for (; q < size && at(q) >= '0' && at(q) <= '9' && digits < 19; q++, digits++) id = id * 10 + at(q) - '0';
                if (digits > 0 && q < size && at(q) == ' ') (f ? files : origins).put(id, q + 1);
            } else if (starts(p, "FUNC ") || starts(p, "PUBLIC ") || starts(p, "STACK ")) {
                break;
            }
        }
    }
}
