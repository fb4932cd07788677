package dev.sextant.engine.state;

import dev.sextant.engine.elfutils.jna.DwarfScopes;
import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.elfutils.jna.FrameWalk;

/**
 * Contexts for a live thread's innermost frame built from its registers alone (no unwind): what a
 * breakpoint condition, a logpoint or a watch needs at a hit, read with a few bytes of memory.
 * The DWARF scopes and types are kept across stops; a new instance is needed when modules change.
 * Engine thread only.
 */
public final class LiveFrames {
    private final DwarfScopes scopes;
    private final TypeBuilder types;
    private final FrameContext.Memory memory;

    public LiveFrames(Dwfl dwfl, FrameContext.Memory memory) {
        this.scopes = new DwarfScopes(dwfl);
        this.types = new TypeBuilder(scopes.types());
        this.memory = memory;
    }

    /** The innermost frame of a stopped thread whose {@code struct user_regs_struct} words are {@code userRegs}. */
    public FrameContext innermost(long[] userRegs) {
        long[] dwarf = new long[FrameWalk.REGISTERS];
        // DWARF x86-64 numbering: rax rdx rcx rbx rsi rdi rbp rsp r8..r15, then the return address column (rip)
        int[] fromUser = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
        for (int r = 0; r < FrameWalk.REGISTERS; r++) dwarf[r] = userRegs[fromUser[r]];
        FrameWalk.Frame frame = new FrameWalk.Frame(userRegs[16], true, dwarf, (1L << FrameWalk.REGISTERS) - 1);
        return new FrameContext(scopes, types, memory, frame, 0);
    }
}
