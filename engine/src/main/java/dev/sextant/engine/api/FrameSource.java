package dev.sextant.engine.api;

/** Which rule produced a stack frame, and so how far to trust it. */
public enum FrameSource {
    /** The thread's own registers: frame 0. */
    REGISTERS,
    /** Recovered by call frame information (.eh_frame/.debug_frame, through libdw). */
    CFI,
    /** An inlined call at the same pc as the frame below it, from DWARF. */
    INLINE
}
