package dev.sextant.engine.breakpad;

import dev.sextant.engine.elfutils.InlineIndex.InlineRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inlined calls of a module for {@code INLINE_ORIGIN} and {@code INLINE} records
 * ({@code INLINE depth call_line call_file_id origin_id address size}): depth is the inline nesting
 * in the function (0: inlined straight into it), counted from the calls whose range holds this one.
 */
final class InlineTable {
    private final List<InlineRange> ranges = new ArrayList<>();
    private final Map<String, Integer> origins = new HashMap<>();
    private final List<String> originNames = new ArrayList<>();
    int written;

    void addUnit(List<InlineRange> unit) {
        for (InlineRange r : unit) {
            if (Long.compareUnsigned(r.high(), r.low()) <= 0) continue;
            ranges.add(r);
            String name = r.call().function().orElse("<name omitted>");
            origins.computeIfAbsent(name, n -> { originNames.add(n); return originNames.size() - 1; });
        }
    }

    /**
     * By start address (stable). Not through {@code Comparator.comparing}: its comparator is a lambda of
     * the JDK's that is made at run time, classfile API and all (libLLVM's export, which has no inlined calls, spun it for nothing).
     */
    void sort() {
        if (ranges.size() > 1) ranges.sort((a, b) -> Long.compareUnsigned(a.low(), b.low()));
    }

    boolean isEmpty() { return ranges.isEmpty(); }

    List<String> callFiles() {
        List<String> f = new ArrayList<>();
        for (InlineRange r : ranges) r.call().callFile().ifPresent(f::add);
        return f;
    }

    void writeOrigins(SymText w) {
        for (int i = 0; i < originNames.size(); i++) w.ascii("INLINE_ORIGIN ").dec(i).ch(' ').utf8(originNames.get(i)).ch('\n');
    }

    /** The INLINE records of the calls inside {@code [start, end)}. */
    void writeInlines(SymText w, long start, long end, long base, Map<String, Integer> fileIds) {
        int lo = 0, hi = ranges.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(ranges.get(mid).low(), start) < 0) lo = mid + 1; else hi = mid;
        }
        List<InlineRange> inside = new ArrayList<>();
        for (int i = lo; i < ranges.size() && Long.compareUnsigned(ranges.get(i).low(), end) < 0; i++) {
            if (Long.compareUnsigned(ranges.get(i).high(), end) <= 0) inside.add(ranges.get(i));
        }
        for (InlineRange r : inside) {
            int depth = 0;
            for (InlineRange o : inside) {
                if (o != r && o.dieDepth() < r.dieDepth() && Long.compareUnsigned(o.low(), r.low()) <= 0
                        && Long.compareUnsigned(r.high(), o.high()) <= 0) depth++;
            }
            Integer file = r.call().callFile().map(fileIds::get).orElse(null);
            w.ascii("INLINE ").dec(depth).ch(' ').dec(r.call().callLine().orElse(0)).ch(' ').dec(file == null ? 0 : file).ch(' ')
                    .dec(origins.get(r.call().function().orElse("<name omitted>"))).ch(' ')
                    .hex(r.low() - base).ch(' ').hex(r.high() - r.low()).ch('\n');
            written++;
        }
    }
}
