package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;

/** {@code MINIDUMP_MEMORY_INFO}: one region of the address space, its state, protection and type (Windows constants). */
public record MemoryInfo(long base, long allocationBase, long allocationProtect, long regionSize, long state,
                         long protect, long type) {
    public static final long MEM_COMMIT = 0x1000, MEM_RESERVE = 0x2000, MEM_FREE = 0x10000;

    static List<MemoryInfo> readList(ByteReader b) {
        String w = "MemoryInfoList";
        long headerSize = b.u32(w, 0), entrySize = b.u32(w, 4), count = b.u64(w, 8);
        if (headerSize < 16 || entrySize < 48 || headerSize > b.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, b.base(), w,
                    "header of " + headerSize + " bytes with entries of " + entrySize + " bytes");
        }
        Minidump.listStart(b, w, count, headerSize, entrySize);
        List<MemoryInfo> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            long o = headerSize + i * entrySize;
            out.add(new MemoryInfo(b.u64(w, o), b.u64(w, o + 8), b.u32(w, o + 16), b.u64(w, o + 24), b.u32(w, o + 32),
                    b.u32(w, o + 36), b.u32(w, o + 40)));
        }
        return List.copyOf(out);
    }
}
