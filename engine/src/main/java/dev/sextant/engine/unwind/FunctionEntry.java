package dev.sextant.engine.unwind;

import java.util.List;
import java.util.Optional;

/**
 * One function of a dynamic function table (the seed's {@code RUNTIME_FUNCTION}): its code range
 * {@code [begin, end)} as offsets from the table's base address, an optional name and how to unwind
 * it. Immutable.
 */
public record FunctionEntry(long begin, long end, Optional<String> name, Unwind unwind) {
    public FunctionEntry {
        if (Long.compareUnsigned(begin, end) > 0) throw new IllegalArgumentException("begin after end");
    }

    public boolean covers(long offset) {
        return Long.compareUnsigned(offset, begin) >= 0 && Long.compareUnsigned(offset, end) < 0;
    }

    /** How the function is unwound: no information, DWARF CFI rows, or Windows x64 unwind info. */
    public sealed interface Unwind {
        /** Only the range is known (e.g. from a perf map): the walker must fall back to frame pointer or scan. */
        record None() implements Unwind {}
        /** CFI rows, locations absolute. */
        record Cfi(List<CfiRow> rows) implements Unwind {
            public Cfi { rows = List.copyOf(rows); }
        }
        /** x64 unwind info (for generated code that follows the Windows ABI). */
        record Windows(UnwindInfo info) implements Unwind {}
    }
}
