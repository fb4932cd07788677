package dev.sextant.engine.breakpad;

import dev.sextant.engine.elfutils.SourceLookup.LineRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The line rows of a whole module in address order, with file names numbered for {@code FILE} records,
 * written out function by function as {@code LINE} records ({@code address size line file}): a row runs
 * to the next row's address, clipped to the function. Rows without a line (0) are gaps.
 */
final class LineTable {
    private static final byte[] FILE = "FILE ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final Map<String, Integer> fileIds = new HashMap<>();
    private final List<String> files = new ArrayList<>();
    private long[] rows = new long[0];    // address, line << 32 | file id
    private int count;
    int written;

    void addUnit(List<LineRow> unit) {
        if ((count + unit.size()) * 2 > rows.length) rows = Arrays.copyOf(rows, Math.max(rows.length * 2, (count + unit.size()) * 2));
        for (LineRow r : unit) {
            int file = r.file().isEmpty() ? -1 : fileIds.computeIfAbsent(r.file(), f -> { files.add(f); return files.size() - 1; });
            rows[count * 2] = r.address();
            rows[count * 2 + 1] = file < 0 || r.line() <= 0 ? -1 : (long) r.line() << 32 | file;
            count++;
        }
    }

    /** Sorts by address, stably (a unit's end row and the next unit's first row may share one). */
    void sort() {
        rows = Arrays.copyOf(rows, count * 2);
        boolean sorted = true;
        for (int i = 1; i < count && sorted; i++) sorted = Long.compareUnsigned(rows[(i - 1) * 2], rows[i * 2]) <= 0;
        if (sorted) return;
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(rows[a * 2], rows[b * 2]));
        long[] out = new long[count * 2];
        for (int i = 0; i < count; i++) { out[i * 2] = rows[order[i] * 2]; out[i * 2 + 1] = rows[order[i] * 2 + 1]; }
        rows = out;
    }

    /** Numbers {@code file} if it has no number yet (an inlined call's file that no line row names). */
    void addFile(String file) { fileIds.computeIfAbsent(file, f -> { files.add(f); return files.size() - 1; }); }

    Map<String, Integer> fileIds() { return fileIds; }

    void writeFiles(SymText w) {
        for (int i = 0; i < files.size(); i++) w.raw(FILE).dec(i).ch(' ').utf8(files.get(i)).ch('\n');
    }

    /** The LINE records of {@code [start, end)} (link-time addresses), written relative to {@code base}. */
    void writeLines(SymText w, long start, long end, long base) {
        int lo = 0, hi = count - 1, i = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(rows[mid * 2], start) <= 0) { i = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (i < 0) i = 0;
        for (; i < count && Long.compareUnsigned(rows[i * 2], end) < 0; i++) {
            long from = Math.max(rows[i * 2], start);
            long to = i + 1 < count ? Math.min(rows[(i + 1) * 2], end) : end;
            long v = rows[i * 2 + 1];
            if (v < 0 || Long.compareUnsigned(to, from) <= 0 || Long.compareUnsigned(from, start) < 0) continue;
            // Rows of the same line one after another are one LINE record.
            while (i + 1 < count && rows[(i + 1) * 2 + 1] == v && Long.compareUnsigned(rows[(i + 1) * 2], end) < 0) {
                i++;
                to = i + 1 < count ? Math.min(rows[(i + 1) * 2], end) : end;
            }
            w.hex(from - base).ch(' ').hex(to - from).ch(' ').dec(v >>> 32).ch(' ').dec(v & 0xffffffffL).ch('\n');
            written++;
        }
    }
}
