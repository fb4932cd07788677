package dev.sextant.engine.api;

/** Names of Linux signals and their {@code si_code}s, as {@code <signal.h>} spells them. */
public final class Signals {
    private Signals() {}

    private static final String[] NAMES = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    public static String name(int signo) {
        if (signo > 0 && signo < NAMES.length) return NAMES[signo];
        if (signo >= 34 && signo <= 64) return "SIGRT" + (signo - 34);
        return "signal " + signo;
    }

    /** True for signals whose {@code si_addr} is a faulting address. */
    public static boolean hasFaultAddress(int signo, int code) {
        return code > 0 && code < 0x80 && (signo == 4 || signo == 5 || signo == 7 || signo == 8 || signo == 11);
    }

    public static String codeName(int signo, int code) {
        switch (code) {
            case 0: return "SI_USER: sent by kill";
            case 0x80: return "SI_KERNEL: sent by the kernel";
            case -1: return "SI_QUEUE: sent by sigqueue";
            case -2: return "SI_TIMER: timer expired";
            case -3: return "SI_MESGQ";
            case -4: return "SI_ASYNCIO";
            case -5: return "SI_SIGIO";
            case -6: return "SI_TKILL: sent by tkill/tgkill (raise, abort)";
            default: break;
        }
        String[] table = switch (signo) {
            case 11 -> new String[]{"SEGV_MAPERR: address not mapped", "SEGV_ACCERR: invalid permissions for mapped object",
                    "SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR"};
            case 7 -> new String[]{"BUS_ADRALN: invalid address alignment", "BUS_ADRERR: nonexistent physical address",
                    "BUS_OBJERR: object-specific hardware error", "BUS_MCEERR_AR", "BUS_MCEERR_AO"};
            case 8 -> new String[]{"FPE_INTDIV: integer divide by zero", "FPE_INTOVF: integer overflow",
                    "FPE_FLTDIV: floating-point divide by zero", "FPE_FLTOVF: floating-point overflow",
                    "FPE_FLTUND: floating-point underflow", "FPE_FLTRES: floating-point inexact result",
                    "FPE_FLTINV: invalid floating-point operation", "FPE_FLTSUB: subscript out of range"};
            case 4 -> new String[]{"ILL_ILLOPC: illegal opcode", "ILL_ILLOPN: illegal operand", "ILL_ILLADR: illegal addressing mode",
                    "ILL_ILLTRP: illegal trap", "ILL_PRVOPC: privileged opcode", "ILL_PRVREG: privileged register",
                    "ILL_COPROC: coprocessor error", "ILL_BADSTK: internal stack error"};
            case 5 -> new String[]{"TRAP_BRKPT: breakpoint", "TRAP_TRACE: trace trap", "TRAP_BRANCH", "TRAP_HWBKPT: hardware breakpoint"};
            case 17 -> new String[]{"CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
            default -> new String[0];
        };
        if (code >= 1 && code <= table.length) return table[code - 1];
        return "code " + code;
    }
}
