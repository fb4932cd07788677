package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How an engine process ended: its pid, its exit status or the signal that killed it (the JVM
 * reports a signal as status 128 + N), and the JVM's error file when it wrote one.
 */
public record ChildExit(long pid, int status, OptionalInt signal, Optional<Path> errorFile) {

    static ChildExit of(long pid, int exitValue) {
        OptionalInt signal = exitValue > 128 && exitValue < 128 + 65 ? OptionalInt.of(exitValue - 128) : OptionalInt.empty();
        Path hsErr = EngineProcesses.errorFile(pid);
        return new ChildExit(pid, exitValue, signal, Files.isRegularFile(hsErr) ? Optional.of(hsErr) : Optional.empty());
    }

    /** {@code killed by signal 9 (SIGKILL)}, {@code exited with status 1}; the error file when there is one. */
    public String describe() {
        String how = signal.isPresent()
                ? "killed by signal " + signal.getAsInt() + " (" + Signals.name(signal.getAsInt()) + ")"
                : "exited with status " + status;
        return errorFile.map(f -> how + "; the JVM's error report is " + f).orElse(how);
    }
}
