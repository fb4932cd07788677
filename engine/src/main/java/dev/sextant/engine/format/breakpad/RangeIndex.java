package dev.sextant.engine.format.breakpad;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A growable table of {@code long} rows, the first column an address, sorted once (stably, unsigned)
 * and then searched for the last row at or below an address. What the index of a symbol file keeps per
 * record: its address, size and file offsets, not its text. Not thread-safe while it is built.
 */
final class RangeIndex {
    private final int columns;
    private long[] rows = new long[64];
    private int count;

    RangeIndex(int columns) { this.columns = columns; }

    void add(long... values) {
        if ((count + 1) * columns > rows.length) rows = Arrays.copyOf(rows, Math.max(rows.length * 2, (count + 1) * columns));
        System.arraycopy(values, 0, rows, count * columns, columns);
        count++;
    }

    /** Sets column {@code c} of the last row (a record's end offset is known only when the next record starts). */
    void setLast(int c, long value) { rows[(count - 1) * columns + c] = value; }

    int size() { return count; }

    long get(int row, int c) { return rows[row * columns + c]; }

    /** Sorts the rows by address (unsigned), keeping the file order of equal addresses; a no-op for a sorted file. */
    void sort() {
        rows = Arrays.copyOf(rows, count * columns);
        boolean sorted = true;
        for (int i = 1; i < count && sorted; i++) sorted = Long.compareUnsigned(get(i - 1, 0), get(i, 0)) <= 0;
        if (sorted) return;
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparing(i -> get(i, 0), Long::compareUnsigned));
        long[] out = new long[count * columns];
        for (int i = 0; i < count; i++) System.arraycopy(rows, order[i] * columns, out, i * columns, columns);
        rows = out;
    }

    /** The last row whose address is at or below {@code address} (unsigned), or -1 (an index, not a value). */
    int floor(long address) {
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(get(mid, 0), address) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found;
    }

    /** The last row at or below {@code address} whose {@code [address, address + size)} (size in column 1) holds it, or -1. */
    int covering(long address) {
        int i = floor(address);
        // Ranges rarely nest; look back a few rows for an enclosing one (a FUNC holding a smaller one).
        for (int j = i, tries = 0; j >= 0 && tries < 8; j--, tries++) {
            if (Long.compareUnsigned(address - get(j, 0), get(j, 1)) < 0) return j;
        }
        return -1;
    }
}
