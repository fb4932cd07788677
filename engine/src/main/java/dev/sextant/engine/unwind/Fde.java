package dev.sextant.engine.unwind;

import java.util.OptionalLong;

/**
 * A Frame Description Entry: the code range {@code [pcBegin, pcEnd)} (link-time addresses as in the
 * file), its CIE, the language-specific data area pointer ({@code L}) and where its CFA program is.
 * Immutable.
 */
public record Fde(long offset, long length, Cie cie, long pcBegin, long pcEnd, OptionalLong lsda,
                  long instructionsOffset, int instructionsLength) implements CfiRecord {
    /** True if {@code pc} lies in this FDE's range. */
    public boolean covers(long pc) {
        return Long.compareUnsigned(pc, pcBegin) >= 0 && Long.compareUnsigned(pc, pcEnd) < 0;
    }
}
