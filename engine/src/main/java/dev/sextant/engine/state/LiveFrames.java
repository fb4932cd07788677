package dev.sextant.engine.state;

import dev.sextant.engine.elfutils.DwarfVariables;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.UnwoundFrame;

/**
 * Contexts for a live thread's innermost frame built from its registers alone (no unwind): what a
 * breakpoint condition, a logpoint or a watch needs at a hit, read with a few bytes of memory.
 * The DWARF scopes and types are kept across stops; a new instance is needed when modules change.
 * Engine thread only.
 */
public final class LiveFrames {
    private final DwarfVariables scopes;
    private final TypeBuilder types;
    private final FrameContext.Memory memory;

    public LiveFrames(ElfSession dwfl, FrameContext.Memory memory) {
        this.scopes = dwfl.variables().remembering();
        this.types = new TypeBuilder(scopes);
        this.memory = memory;
    }

    /** The innermost frame of a stopped thread whose {@code struct user_regs_struct} words are {@code userRegs}. */
    public FrameContext innermost(long[] userRegs) {
        long[] dwarf = new long[UnwoundFrame.REGISTERS];
        // DWARF x86-64 numbering: rax rdx rcx rbx rsi rdi rbp rsp r8..r15, then the return address column (rip)
        int[] fromUser = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
        for (int r = 0; r < UnwoundFrame.REGISTERS; r++) dwarf[r] = userRegs[fromUser[r]];
        UnwoundFrame frame = new UnwoundFrame(userRegs[16], true, dwarf, (1L << UnwoundFrame.REGISTERS) - 1);
        return new FrameContext(scopes, types, memory, frame, 0, java.util.Optional::empty);   // no caller: entry values unknown
    }
}
