package dev.sextant.engine.linux;

import dev.sextant.engine.linux.jna.Ptrace;

/** A stopped traced thread's FXSAVE area (PTRACE_GETFPREGS), read on the tracing thread. */
public final class FpRegisters {
    private FpRegisters() {}

    public static byte[] read(int tid) { return Ptrace.getFpRegs(tid); }
}
