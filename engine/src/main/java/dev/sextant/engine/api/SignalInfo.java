package dev.sextant.engine.api;

import java.util.Optional;

/**
 * The signal that stopped or killed a process, from {@code siginfo_t}. {@code faultAddress} is
 * present only for fault signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP); {@code senderPid}
 * only when another process or {@code kill}/{@code tgkill} sent it. Immutable.
 */
public record SignalInfo(int number, int code, Optional<Address> faultAddress, Optional<Pid> senderPid) {

    public String name() { return Signals.name(number); }

    public String codeName() { return Signals.codeName(number, code); }

    /** {@code "SIGSEGV (SEGV_MAPERR: address not mapped) at 0x0"}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(name()).append(" (").append(codeName()).append(')');
        faultAddress.ifPresent(a -> sb.append(" at ").append(a));
        senderPid.ifPresent(p -> sb.append(" sent by pid ").append(p));
        return sb.toString();
    }
}
