package dev.sextant.engine.linux.jna;

import com.sun.jna.Native;
import dev.sextant.engine.api.NativeCallException;
import java.util.Optional;

/**
 * ptrace(2), waitpid(2) and signals for one tracing thread, translated: {@code -1} + errno becomes
 * {@link NativeCallException} with strerror's text; registers come back as {@code long[]} in
 * {@code struct user_regs_struct} order. Linux accepts ptrace requests only from the thread that
 * attached, so every call here must come from the engine thread that owns the target.
 */
public final class Ptrace {
    private Ptrace() {}

    public static final int ESRCH = 3, EINTR = 4, ECHILD = 10, EPERM = 1, EIO = 5, EFAULT = 14, EINVAL = 22, ENODEV = 19;
    public static final int SIGTRAP = 5, SIGKILL = 9, SIGSTOP = 19, SIGCONT = 18;
    /** si_code of an int3 trap and of a single-step trap. */
    public static final int SI_KERNEL = 0x80, TRAP_BRKPT = 1, TRAP_TRACE = 2;

    /** What waitpid(2) reported for one task. */
    public record WaitStatus(int tid, int status) {
        public boolean exited() { return (status & 0x7f) == 0; }
        public int exitCode() { return (status >> 8) & 0xff; }
        public boolean signaled() { return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f; }
        public int termSignal() { return status & 0x7f; }
        public boolean stopped() { return (status & 0xff) == 0x7f; }
        public int stopSignal() { return (status >> 8) & 0xff; }
        /** The PTRACE_EVENT_* in the high bits of a stop status, 0 for none. */
        public int event() { return (status >> 16) & 0xff; }
        public boolean isCloneEvent() { return stopped() && event() == LibC.PTRACE_EVENT_CLONE; }
        public boolean isExecEvent() { return stopped() && event() == LibC.PTRACE_EVENT_EXEC; }
        public boolean isExitEvent() { return stopped() && event() == LibC.PTRACE_EVENT_EXIT; }
        /** A group-stop or PTRACE_INTERRUPT stop of a seized task. */
        public boolean isInterruptStop() { return stopped() && event() == LibC.PTRACE_EVENT_STOP; }
        /** A signal-delivery-stop: the signal is about to be delivered unless the tracer suppresses it. */
        public boolean isSignalStop() { return stopped() && event() == 0; }
    }

    /** The fields of {@code siginfo_t} a debugger shows. {@code addr} is si_addr for faults, {@code pid} si_pid for sent signals. */
    public record SigInfo(int signo, int code, long addr, int pid) {}

    public static long options(boolean exitKill) {
        long o = LibC.PTRACE_O_TRACECLONE | LibC.PTRACE_O_TRACEEXEC;
        return exitKill ? o | LibC.PTRACE_O_EXITKILL : o;
    }

    public static void seize(int tid, long options) { check("ptrace(PTRACE_SEIZE)", LibC.ptrace(LibC.PTRACE_SEIZE, tid, 0, options)); }

    public static void interrupt(int tid) { check("ptrace(PTRACE_INTERRUPT)", LibC.ptrace(LibC.PTRACE_INTERRUPT, tid, 0, 0L)); }

    public static void cont(int tid, int signal) { check("ptrace(PTRACE_CONT)", LibC.ptrace(LibC.PTRACE_CONT, tid, 0, (long) signal)); }

    public static void singleStep(int tid, int signal) {
        check("ptrace(PTRACE_SINGLESTEP)", LibC.ptrace(LibC.PTRACE_SINGLESTEP, tid, 0, (long) signal));
    }

    public static void detach(int tid, int signal) { check("ptrace(PTRACE_DETACH)", LibC.ptrace(LibC.PTRACE_DETACH, tid, 0, (long) signal)); }

    public static void setOptions(int tid, long options) {
        check("ptrace(PTRACE_SETOPTIONS)", LibC.ptrace(LibC.PTRACE_SETOPTIONS, tid, 0, options));
    }

    /** PTRACE_GETREGS: the 27 words of x86-64 {@code struct user_regs_struct}. */
    public static long[] getRegs(int tid) {
        long[] regs = new long[LibC.USER_REGS_WORDS];
        check("ptrace(PTRACE_GETREGS)", LibC.ptrace(LibC.PTRACE_GETREGS, tid, 0, regs));
        return regs;
    }

    public static void setRegs(int tid, long[] regs) {
        if (regs.length != LibC.USER_REGS_WORDS) throw new IllegalArgumentException("user_regs_struct has 27 words");
        check("ptrace(PTRACE_SETREGS)", LibC.ptrace(LibC.PTRACE_SETREGS, tid, 0, regs.clone()));
    }

    /** PTRACE_GETFPREGS: the 512-byte {@code struct user_fpregs_struct} (FXSAVE layout), as {@code NT_FPREGSET} stores it. */
    public static byte[] getFpRegs(int tid) {
        byte[] fp = new byte[LibC.USER_FPREGS_SIZE];
        check("ptrace(PTRACE_GETFPREGS)", LibC.ptrace(LibC.PTRACE_GETFPREGS, tid, 0, fp));
        return fp;
    }

    /**
     * PTRACE_GETREGSET of {@code NT_X86_XSTATE}: the XSAVE area, as long as the kernel says it is
     * (the {@code iovec}'s length on return), as {@code NT_X86_XSTATE} stores it. Empty when the CPU
     * or kernel has none (EINVAL, ENODEV).
     */
    public static Optional<byte[]> getXState(int tid) {
        final int max = 1 << 16;            // XSAVE areas are 0.8 KiB (AVX) to 11 KiB (AMX)
        try (com.sun.jna.Memory buf = new com.sun.jna.Memory(16 + max)) {
            buf.setPointer(0, buf.share(16));
            buf.setLong(8, max);
            long rc = LibC.ptrace(LibC.PTRACE_GETREGSET, tid, LibC.NT_X86_XSTATE, buf);
            if (rc == -1) {
                int e = Native.getLastError();
                if (e == EINVAL || e == ENODEV) return Optional.empty();
                throw error("ptrace(PTRACE_GETREGSET, NT_X86_XSTATE)", e);
            }
            long len = buf.getLong(8);
            if (len <= 0 || len > max) return Optional.empty();
            return Optional.of(buf.getByteArray(16, (int) len));
        }
    }

    /** PTRACE_GETSIGINFO: the raw 128-byte {@code siginfo_t}, as {@code NT_SIGINFO} stores it. */
    public static byte[] sigInfoBytes(int tid) {
        byte[] si = new byte[LibC.SIGINFO_SIZE];
        check("ptrace(PTRACE_GETSIGINFO)", LibC.ptrace(LibC.PTRACE_GETSIGINFO, tid, 0, si));
        return si;
    }

    /** PTRACE_PEEKDATA: errno distinguishes a word of all ones from a failure. */
    public static long peek(int tid, long addr) {
        Native.setLastError(0);
        long v = LibC.ptrace(LibC.PTRACE_PEEKDATA, tid, addr, 0L);
        if (v == -1) {
            int e = Native.getLastError();
            if (e != 0) throw error("ptrace(PTRACE_PEEKDATA) at 0x" + Long.toHexString(addr), e);
        }
        return v;
    }

    public static void poke(int tid, long addr, long word) {
        check("ptrace(PTRACE_POKEDATA) at 0x" + Long.toHexString(addr), LibC.ptrace(LibC.PTRACE_POKEDATA, tid, addr, word));
    }

    /** {@code offsetof(struct user, u_debugreg)} on x86-64: DR0..DR7 are the eight words from here. */
    public static final long USER_DEBUGREG_OFFSET = 848;
    /** si_code of a hardware breakpoint or watchpoint trap. */
    public static final int TRAP_HWBKPT = 4;

    /** PTRACE_PEEKUSER of debug register {@code n} (0-7) of a stopped thread. */
    public static long peekDebugRegister(int tid, int n) {
        Native.setLastError(0);
        long v = LibC.ptrace(LibC.PTRACE_PEEKUSER, tid, USER_DEBUGREG_OFFSET + 8L * n, 0L);
        if (v == -1) {
            int e = Native.getLastError();
            if (e != 0) throw error("ptrace(PTRACE_PEEKUSER, u_debugreg[" + n + "])", e);
        }
        return v;
    }

    /** PTRACE_POKEUSER of debug register {@code n} (0-7) of a stopped thread; the kernel checks the address and DR7's bits (EINVAL). */
    public static void pokeDebugRegister(int tid, int n, long value) {
        check("ptrace(PTRACE_POKEUSER, u_debugreg[" + n + "])", LibC.ptrace(LibC.PTRACE_POKEUSER, tid, USER_DEBUGREG_OFFSET + 8L * n, value));
    }

    public static SigInfo sigInfo(int tid) {
        byte[] si = new byte[LibC.SIGINFO_SIZE];
        check("ptrace(PTRACE_GETSIGINFO)", LibC.ptrace(LibC.PTRACE_GETSIGINFO, tid, 0, si));
        return new SigInfo(i32(si, 0), i32(si, 8), i64(si, 16), i32(si, 16));
    }

    /** PTRACE_GETEVENTMSG: the new thread's tid after a clone event, the exit status after an exit event. */
    public static long eventMessage(int tid) {
        long[] msg = new long[1];
        check("ptrace(PTRACE_GETEVENTMSG)", LibC.ptrace(LibC.PTRACE_GETEVENTMSG, tid, 0, msg));
        return msg[0];
    }

    /**
     * waitpid(pid, __WALL | __WNOTHREAD [| WNOHANG]). __WNOTHREAD limits it to this thread's own
     * children and tracees, so statuses of processes other JVM threads started stay for the JVM's
     * reaper. Empty: nothing to report (WNOHANG), or no tracee left (ECHILD).
     */
    public static Optional<WaitStatus> waitFor(int pid, boolean block) {
        int[] status = new int[1];
        int opts = LibC.__WALL | LibC.__WNOTHREAD | (block ? 0 : LibC.WNOHANG);
        while (true) {
            int r = LibC.waitpid(pid, status, opts);
            if (r > 0) return Optional.of(new WaitStatus(r, status[0]));
            if (r == 0) return Optional.empty();
            int e = Native.getLastError();
            if (e == EINTR) continue;
            if (e == ECHILD) return Optional.empty();
            throw error("waitpid", e);
        }
    }

    public static void kill(int pid, int signal) { check("kill", LibC.kill(pid, signal)); }

    public static void tgkill(int tgid, int tid, int signal) { check("tgkill", LibC.tgkill(tgid, tid, signal)); }

    /** The C library's text for an errno value. */
    public static String strerror(int errno) {
        String s = LibC.strerror(errno);
        return s == null ? "errno " + errno : s;
    }

    private static void check(String call, long rc) {
        if (rc == -1) throw error(call, Native.getLastError());
    }

    private static NativeCallException error(String call, int errno) {
        return new NativeCallException(call, errno, strerror(errno));
    }

    private static int i32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    private static long i64(byte[] b, int o) {
        return (i32(b, o) & 0xffffffffL) | (long) i32(b, o + 4) << 32;
    }
}
