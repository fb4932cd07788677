package dev.sextant.engine.api;

/** Which rule produced a stack frame, and so how far to trust it. */
public enum FrameSource {
    /** The thread's own registers: frame 0. */
    REGISTERS,
    /** Recovered by call frame information (.eh_frame/.debug_frame, through libdw). */
    CFI,
    /** An inlined call at the same pc as the frame below it, from DWARF. */
    INLINE,
    /**
     * The frame lies in generated code that a dynamic function table describes (GDB JIT interface,
     * {@code __register_frame}…): its name comes from the table, and the table's CFI stepped to its caller.
     */
    DYNAMIC_TABLE,
    /**
     * Followed the saved frame-pointer chain (x86 ebp, x86-64 rbp, arm64 x29): right when the code
     * keeps frame pointers. Also marks a frame in code that no module and no table with unwind
     * information covers (unregistered JIT code): libdwfl steps out of it by the frame pointer.
     */
    FRAME_POINTER,
    /** Recovered by a Windows x64 image's unwind info ({@code .pdata}/{@code .xdata}), as {@code RtlVirtualUnwind} does. */
    UNWIND_INFO,
    /** A stack word that points into a module's code, taken as a return address: a guess, may be stale. */
    STACK_SCAN
}
