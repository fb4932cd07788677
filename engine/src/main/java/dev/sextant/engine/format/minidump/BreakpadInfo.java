package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import java.util.OptionalInt;

/** Breakpad's {@code MDRawBreakpadInfo}: which thread wrote the dump and which one asked for it. */
public record BreakpadInfo(long validity, OptionalInt dumpThreadId, OptionalInt requestingThreadId) {
    static BreakpadInfo read(ByteReader b) {
        String w = "BreakpadInfo";
        long validity = b.u32(w, 0);
        return new BreakpadInfo(validity,
                (validity & 1) != 0 ? OptionalInt.of(b.s32(w, 4)) : OptionalInt.empty(),
                (validity & 2) != 0 ? OptionalInt.of(b.s32(w, 8)) : OptionalInt.empty());
    }
}
