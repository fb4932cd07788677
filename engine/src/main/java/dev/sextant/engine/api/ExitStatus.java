package dev.sextant.engine.api;

import java.util.OptionalInt;

/** How a process or thread ended: an exit code, or the signal that killed it. Exactly one is present. Immutable. */
public record ExitStatus(OptionalInt exitCode, OptionalInt signal) {
    public ExitStatus {
        if (exitCode.isPresent() == signal.isPresent()) throw new IllegalArgumentException("exactly one of exit code and signal");
    }

    public static ExitStatus exited(int code) { return new ExitStatus(OptionalInt.of(code), OptionalInt.empty()); }

    public static ExitStatus killed(int signal) { return new ExitStatus(OptionalInt.empty(), OptionalInt.of(signal)); }

    /** {@code "exited with status 3"} or {@code "killed by SIGKILL"}. */
    public String describe() {
        return exitCode.isPresent() ? "exited with status " + exitCode.getAsInt() : "killed by " + Signals.name(signal.getAsInt());
    }
}
