package dev.sextant.engine.dump;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CrashReason;
import dev.sextant.engine.api.Signals;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.format.minidump.ExceptionRecord;
import dev.sextant.engine.format.minidump.SystemInfo;
import java.util.Map;
import java.util.Optional;

/** Turns a minidump exception record into a {@link CrashReason}: Windows NTSTATUS codes, Linux signals, Mach exceptions. */
public final class ExceptionNames {
    private ExceptionNames() {}

    private static final Map<Long, String> WINDOWS = Map.ofEntries(
            Map.entry(0x80000001L, "EXCEPTION_GUARD_PAGE"), Map.entry(0x80000002L, "EXCEPTION_DATATYPE_MISALIGNMENT"),
            Map.entry(0x80000003L, "EXCEPTION_BREAKPOINT"), Map.entry(0x80000004L, "EXCEPTION_SINGLE_STEP"),
            Map.entry(0xC0000005L, "EXCEPTION_ACCESS_VIOLATION"), Map.entry(0xC0000006L, "EXCEPTION_IN_PAGE_ERROR"),
            Map.entry(0xC0000008L, "EXCEPTION_INVALID_HANDLE"), Map.entry(0xC0000017L, "STATUS_NO_MEMORY"),
            Map.entry(0xC000001DL, "EXCEPTION_ILLEGAL_INSTRUCTION"), Map.entry(0xC0000025L, "EXCEPTION_NONCONTINUABLE_EXCEPTION"),
            Map.entry(0xC0000026L, "EXCEPTION_INVALID_DISPOSITION"), Map.entry(0xC000008CL, "EXCEPTION_ARRAY_BOUNDS_EXCEEDED"),
            Map.entry(0xC000008DL, "EXCEPTION_FLT_DENORMAL_OPERAND"), Map.entry(0xC000008EL, "EXCEPTION_FLT_DIVIDE_BY_ZERO"),
            Map.entry(0xC000008FL, "EXCEPTION_FLT_INEXACT_RESULT"), Map.entry(0xC0000090L, "EXCEPTION_FLT_INVALID_OPERATION"),
            Map.entry(0xC0000091L, "EXCEPTION_FLT_OVERFLOW"), Map.entry(0xC0000092L, "EXCEPTION_FLT_STACK_CHECK"),
            Map.entry(0xC0000093L, "EXCEPTION_FLT_UNDERFLOW"), Map.entry(0xC0000094L, "EXCEPTION_INT_DIVIDE_BY_ZERO"),
            Map.entry(0xC0000095L, "EXCEPTION_INT_OVERFLOW"), Map.entry(0xC0000096L, "EXCEPTION_PRIV_INSTRUCTION"),
            Map.entry(0xC00000FDL, "EXCEPTION_STACK_OVERFLOW"), Map.entry(0xC0000194L, "EXCEPTION_POSSIBLE_DEADLOCK"),
            Map.entry(0xC0000374L, "STATUS_HEAP_CORRUPTION"), Map.entry(0xC0000409L, "STATUS_STACK_BUFFER_OVERRUN"),
            Map.entry(0xC0000420L, "STATUS_ASSERTION_FAILURE"), Map.entry(0xC0000602L, "STATUS_FAIL_FAST_EXCEPTION"),
            Map.entry(0x40000015L, "STATUS_FATAL_APP_EXIT"), Map.entry(0xE06D7363L, "Microsoft C++ exception"),
            Map.entry(0x4000001FL, "STATUS_WX86_BREAKPOINT"), Map.entry(0xC0000135L, "STATUS_DLL_NOT_FOUND"));

    /** {@code __fastfail} codes (winnt.h {@code FAST_FAIL_*}), by number. */
    private static final String[] FAST_FAIL = {"LEGACY_GS_VIOLATION", "VTGUARD_CHECK_FAILURE", "STACK_COOKIE_CHECK_FAILURE",
            "CORRUPT_LIST_ENTRY", "INCORRECT_STACK", "INVALID_ARG", "GS_COOKIE_INIT", "FATAL_APP_EXIT",
            "RANGE_CHECK_FAILURE", "UNSAFE_REGISTRY_ACCESS", "GUARD_ICALL_CHECK_FAILURE", "GUARD_WRITE_CHECK_FAILURE",
            "INVALID_FIBER_SWITCH", "INVALID_SET_OF_CONTEXT", "INVALID_REFERENCE_COUNT", null, null, null,
            "INVALID_JUMP_BUFFER", "MRDATA_MODIFIED", "CERTIFICATION_FAILURE", "INVALID_EXCEPTION_CHAIN", "CRYPTO_LIBRARY",
            "INVALID_CALL_IN_DLL_CALLOUT", "INVALID_IMAGE_BASE", "DLOAD_PROTECTION_FAILURE", "UNSAFE_EXTENSION_CALL",
            "DEPRECATED_SERVICE_INVOKED", "INVALID_BUFFER_ACCESS", "INVALID_BALANCED_TREE", "INVALID_NEXT_THREAD",
            "GUARD_ICALL_CHECK_SUPPRESSED", "APCS_DISABLED", "INVALID_IDLE_STATE", "MRDATA_PROTECTION_FAILURE",
            "UNEXPECTED_HEAP_EXCEPTION", "INVALID_LOCK_STATE", "GUARD_JUMPTABLE", "INVALID_LONGJUMP_TARGET",
            "INVALID_DISPATCH_CONTEXT", "INVALID_THREAD", "INVALID_SYSCALL_NUMBER", "INVALID_FILE_OPERATION",
            "LPAC_ACCESS_DENIED", "GUARD_SS_FAILURE", "LOADER_CONTINUITY_FAILURE", "GUARD_EXPORT_SUPPRESSION_FAILURE",
            "INVALID_CONTROL_STACK", "SET_CONTEXT_DENIED", "INVALID_IAT", "HEAP_METADATA_CORRUPTION",
            "PAYLOAD_RESTRICTION_VIOLATION", "LOW_LABEL_ACCESS", "ENCLAVE_CALL_FAILURE", "UNHANDLED_LSS_EXCEPTON",
            "ADMINLESS_ACCESS_DENIED", "UNEXPECTED_CALL", "CONTROL_INVALID_RETURN_ADDRESS", "UNEXPECTED_HOST_BEHAVIOR",
            "FLAGS_CORRUPTION", "VEH_CORRUPTION", "ETW_CORRUPTION", "RIO_ABORT", "INVALID_PFN"};

    private static final String[] MACH = {null, "EXC_BAD_ACCESS", "EXC_BAD_INSTRUCTION", "EXC_ARITHMETIC", "EXC_EMULATION",
            "EXC_SOFTWARE", "EXC_BREAKPOINT", "EXC_SYSCALL", "EXC_MACH_SYSCALL", "EXC_RPC_ALERT", "EXC_CRASH",
            "EXC_RESOURCE", "EXC_GUARD", "EXC_CORPSE_NOTIFY"};

    public static String fastFailName(long code) {
        if (code >= 0 && code < FAST_FAIL.length && FAST_FAIL[(int) code] != null) return "FAST_FAIL_" + FAST_FAIL[(int) code];
        return "FAST_FAIL code " + code;
    }

    /** Decodes the exception for the platform in {@code system} (Windows when unknown). */
    public static CrashReason decode(ExceptionRecord e, Optional<SystemInfo> system) {
        Optional<Tid> tid = Optional.of(new Tid(e.threadId()));
        boolean linux = system.map(SystemInfo::isLinuxLike).orElse(false);
        boolean apple = system.map(SystemInfo::isApple).orElse(false);
        if (linux) {
            int sig = (int) e.code();
            int code = (int) e.flags();
            String name = Signals.name(sig);
            // Breakpad stores si_addr even for signals without a fault address (then it is si_pid|si_uid): keep it as written.
            Address addr = Address.of(e.address());
            // Older Breakpad writers leave si_code out (flags 0): then a fault signal's address is still si_addr.
            boolean fault = isFaultSignal(sig) && (code == 0 || Signals.hasFaultAddress(sig, code));
            String desc = name + (code == 0 && isFaultSignal(sig) ? "" : " (" + Signals.codeName(sig, code) + ")")
                    + (fault ? " at " + addr : "");
            return new CrashReason(e.code(), name, Optional.of(addr), tid, desc);
        }
        if (apple) return mach(e, tid);
        return windows(e, tid);
    }

    /** SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV: signals whose {@code si_addr} is the faulting address. */
    public static boolean isFaultSignal(int sig) { return sig == 4 || sig == 5 || sig == 7 || sig == 8 || sig == 11; }

    private static CrashReason windows(ExceptionRecord e, Optional<Tid> tid) {
        long code = e.code();
        String base = WINDOWS.getOrDefault(code, String.format("exception 0x%08X", code));
        Address addr = Address.of(e.address());
        String name = base;
        String desc;
        if ((code == 0xC0000005L || code == 0xC0000006L) && e.parameters().length >= 2) {
            long kind = e.parameter(0);
            String access = kind == 0 ? "READ" : kind == 1 ? "WRITE" : kind == 8 ? "EXEC" : "UNKNOWN";
            name = base + "_" + access;
            addr = Address.of(e.parameter(1));
            desc = name + " at " + addr + " (instruction at 0x" + Long.toHexString(e.address()) + ")";
            if (code == 0xC0000006L && e.parameters().length >= 3) desc += ", NTSTATUS 0x" + Long.toHexString(e.parameter(2));
        } else if (code == 0xC0000409L && e.parameters().length >= 1) {
            name = fastFailName(e.parameter(0));
            desc = base + " / " + name + " at " + addr;
        } else {
            desc = name + " at " + addr;
        }
        return new CrashReason(code, name, Optional.of(addr), tid, desc);
    }

    private static CrashReason mach(ExceptionRecord e, Optional<Tid> tid) {
        long type = e.parameters().length > 0 ? e.parameter(0) : e.code();
        String name = type >= 0 && type < MACH.length && MACH[(int) type] != null ? MACH[(int) type] : "Mach exception " + type;
        if (type == 10 && e.parameters().length > 1) { // EXC_CRASH wraps a signal in code[0] bits 24..31
            int sig = (int) ((e.parameter(1) >>> 24) & 0xff);
            if (sig != 0) name = name + " / " + Signals.name(sig);
        }
        Address addr = Address.of(e.address());
        if (type == 1 && e.parameters().length > 2) addr = Address.of(e.parameter(2));
        return new CrashReason(e.code(), name, Optional.of(addr), tid, name + " at " + addr);
    }
}
