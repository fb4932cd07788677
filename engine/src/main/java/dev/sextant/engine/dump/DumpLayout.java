package dev.sextant.engine.dump;

import dev.sextant.engine.dump.ReasonData.MemoryRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** Decides which bytes of each mapping a written core stores, as {@code PT_LOAD} segments. */
final class DumpLayout {
    private DumpLayout() {}

    /** One {@code PT_LOAD}: [start, end) of a mapping with its first {@code filesz} bytes stored. */
    record Segment(long start, long end, int flags, long filesz) {}

    /** A {@code KbCallbackSecondaryDumpData} blob to store. */
    record Blob(UUID guid, String component, byte[] bytes) {}

    /**
     * Splits every mapping into segments: stored pieces (filesz = size) and the rest (filesz 0),
     * in address order, covering each mapping exactly.
     */
    static List<Segment> segments(DumpSource source, List<DumpSource.Mapping> mappings, List<MemoryRange> wanted,
                                  boolean includeFileText) throws IOException {
        List<Segment> out = new ArrayList<>();
        for (DumpSource.Mapping m : mappings) {
            List<MemoryRange> keep = new ArrayList<>();
            if (!isFileText(m) || includeFileText) {
                keep.add(new MemoryRange(m.start(), m.end()));
            } else {
                if (m.fileOffset() == 0 && mapsElfHeader(source, m)) {
                    keep.add(new MemoryRange(m.start(), Math.min(m.end(), m.start() + DumpWriter.PAGE)));
                }
                for (MemoryRange w : wanted) {
                    long a = Math.max(m.start(), w.start() / DumpWriter.PAGE * DumpWriter.PAGE);
                    long b = Math.min(m.end(), DumpWriter.align(w.end(), DumpWriter.PAGE));
                    if (a < b) keep.add(new MemoryRange(a, b));
                }
            }
            keep = intersect(merge(keep), merge(new ArrayList<>(source.readable(m))));
            long cur = m.start();
            for (MemoryRange k : keep) {
                if (cur < k.start()) out.add(new Segment(cur, k.start(), m.flags(), 0));
                out.add(new Segment(k.start(), k.end(), m.flags(), k.length()));
                cur = k.end();
            }
            if (cur < m.end()) out.add(new Segment(cur, m.end(), m.flags(), 0));
        }
        return out;
    }

    /**
     * Program text: executable, not writable, mapped from a file, so gdb and libdwfl read it from
     * the file. Read-only data is stored: RELRO pages ({@code .dynamic} with {@code DT_DEBUG}, the
     * GOT) were written before they were protected and differ from the file.
     */
    static boolean isFileText(DumpSource.Mapping m) {
        return m.path().isPresent() && !m.writable() && (m.flags() & DumpSource.Mapping.PF_X) != 0;
    }

    private static boolean mapsElfHeader(DumpSource source, DumpSource.Mapping m) throws IOException {
        ByteBuffer magic = ByteBuffer.allocate(4);
        return source.read(m.start(), magic) == 4 && magic.getInt(0) == 0x7f454c46;
    }

    static List<MemoryRange> merge(List<MemoryRange> ranges) {
        ranges.sort(Comparator.comparingLong(MemoryRange::start));
        List<MemoryRange> out = new ArrayList<>();
        for (MemoryRange r : ranges) {
            if (r.start() >= r.end()) continue;
            if (!out.isEmpty() && r.start() <= out.get(out.size() - 1).end()) {
                MemoryRange last = out.remove(out.size() - 1);
                out.add(new MemoryRange(last.start(), Math.max(last.end(), r.end())));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    static List<MemoryRange> intersect(List<MemoryRange> a, List<MemoryRange> b) {
        List<MemoryRange> out = new ArrayList<>();
        int i = 0, j = 0;
        while (i < a.size() && j < b.size()) {
            long s = Math.max(a.get(i).start(), b.get(j).start());
            long e = Math.min(a.get(i).end(), b.get(j).end());
            if (s < e) out.add(new MemoryRange(s, e));
            if (a.get(i).end() < b.get(j).end()) i++; else j++;
        }
        return out;
    }
}
