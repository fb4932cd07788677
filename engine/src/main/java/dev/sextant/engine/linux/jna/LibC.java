package dev.sextant.engine.linux.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The libc calls a live Linux target needs, verbatim (ptrace(2), waitpid(2), kill(2), tgkill(2),
 * strerror(3)); direct-mapped for call speed. {@code ptrace} is variadic in C: every request here
 * passes integer or pointer arguments only, so the fixed-argument call is ABI-correct on x86-64.
 * errno is read with {@link Native#getLastError()} right after the call. Package-private: only
 * {@link Ptrace} calls these.
 */
final class LibC {
    private LibC() {}

    static {
        Native.register(LibC.class, NativeLibrary.getInstance("libc.so.6"));
    }

    // <sys/ptrace.h>
    static final int PTRACE_PEEKDATA = 2, PTRACE_PEEKUSER = 3, PTRACE_POKEDATA = 5, PTRACE_POKEUSER = 6, PTRACE_CONT = 7, PTRACE_KILL = 8,
            PTRACE_SINGLESTEP = 9, PTRACE_GETREGS = 12, PTRACE_GETFPREGS = 14, PTRACE_SETREGS = 13, PTRACE_DETACH = 17,
            PTRACE_SETOPTIONS = 0x4200, PTRACE_GETEVENTMSG = 0x4201, PTRACE_GETSIGINFO = 0x4202,
            PTRACE_GETREGSET = 0x4204, PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207, PTRACE_LISTEN = 0x4208;
    static final int PTRACE_O_TRACESYSGOOD = 1, PTRACE_O_TRACEFORK = 2, PTRACE_O_TRACEVFORK = 4,
            PTRACE_O_TRACECLONE = 8, PTRACE_O_TRACEEXEC = 0x10, PTRACE_O_TRACEVFORKDONE = 0x20,
            PTRACE_O_TRACEEXIT = 0x40, PTRACE_O_EXITKILL = 0x100000;
    static final int PTRACE_EVENT_FORK = 1, PTRACE_EVENT_VFORK = 2, PTRACE_EVENT_CLONE = 3, PTRACE_EVENT_EXEC = 4,
            PTRACE_EVENT_VFORK_DONE = 5, PTRACE_EVENT_EXIT = 6, PTRACE_EVENT_STOP = 128;

    // <sys/wait.h>
    static final int WNOHANG = 1, __WNOTHREAD = 0x20000000, __WALL = 0x40000000;

    /** sizeof(struct user_regs_struct) / 8 on x86-64. */
    static final int USER_REGS_WORDS = 27;
    /** sizeof(struct user_fpregs_struct) on x86-64 (the FXSAVE area). */
    static final int USER_FPREGS_SIZE = 512;
    /** <elf.h> regset type of the XSAVE area, for PTRACE_GETREGSET. */
    static final int NT_X86_XSTATE = 0x202;
    /** sizeof(siginfo_t). */
    static final int SIGINFO_SIZE = 128;

    static native long ptrace(long request, int pid, long addr, long data);
    static native long ptrace(long request, int pid, long addr, long[] data);
    static native long ptrace(long request, int pid, long addr, byte[] data);
    static native long ptrace(long request, int pid, long addr, com.sun.jna.Pointer data);
    static native int waitpid(int pid, int[] status, int options);
    static native int kill(int pid, int sig);
    static native int tgkill(int tgid, int tid, int sig);
    static native String strerror(int errnum);
}
