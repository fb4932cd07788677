package dev.sextant.engine.linux;

import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.linux.jna.Ptrace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything a core stores of each stopped thread, read through the tracer's ptrace session:
 * general registers ({@code PTRACE_GETREGS}), the FXSAVE area ({@code PTRACE_GETFPREGS}), the
 * XSAVE area ({@code PTRACE_GETREGSET NT_X86_XSTATE}) and, for a thread stopped by a signal the
 * user sees (a fault, an abort: not our own PTRACE_INTERRUPT), that signal and its raw
 * {@code siginfo_t}. Engine thread only (the tracer's owner); every thread must be stopped.
 */
public final class DumpRegisters {
    private DumpRegisters() {}

    /**
     * One thread's state. {@code stopSignal} is 0 when the thread was stopped by the debugger;
     * {@code siginfo} is present only with a stop signal.
     */
    public record Thread(int tid, int stopSignal, long[] user, Optional<byte[]> fpregs, Optional<byte[]> xstate,
                         Optional<byte[]> siginfo) {}

    /**
     * The stopped threads, the one stopped by a signal first (the kernel writes the dumping thread
     * first, and gdb makes it the current thread), then the others in the tracer's order (leader
     * first). Threads that vanished while being read are left out.
     */
    public static List<Thread> read(Tracer tracer) {
        tracer.checkThread();
        List<Thread> out = new ArrayList<>();
        for (int tid : tracer.stoppedThreads()) {
            long[] user = tracer.registers(tid);
            if (user == null) continue;
            try {
                Tracer.Task task = tracer.task(tid);
                int sig = task == null ? 0 : task.pendingSignal;
                Optional<byte[]> siginfo = sig == 0 ? Optional.empty() : Optional.of(Ptrace.sigInfoBytes(tid));
                Thread t = new Thread(tid, sig, user.clone(), Optional.of(Ptrace.getFpRegs(tid)), Ptrace.getXState(tid), siginfo);
                if (sig != 0 && out.stream().noneMatch(x -> x.stopSignal() != 0)) out.add(0, t); else out.add(t);
            } catch (NativeCallException e) {
                if (e.code() != Ptrace.ESRCH) throw e;      // ended while we read it
            }
        }
        return out;
    }
}
