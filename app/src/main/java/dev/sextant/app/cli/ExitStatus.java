package dev.sextant.app.cli;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import java.util.List;

/**
 * The exit statuses every command shares (README, "Exit statuses"): 0 everything printed; 1 printed,
 * but part of the input was unreadable or unresolved (said on stderr, one line each); 2 nothing could
 * be done: a usage error, or the input as a whole cannot be read; 3 a native library faulted (the
 * launcher reports it). {@code run} keeps its own (the program's).
 */
final class ExitStatus {
    static final int OK = 0, PARTIAL = 1, UNUSABLE = 2, NATIVE_FAULT = 3;

    private ExitStatus() {}

    /** {@link #PARTIAL} when a diagnostic is an error (an unreadable part of the input), else {@link #OK}. */
    static int of(List<Diagnostic> diagnostics) {
        return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR) ? PARTIAL : OK;
    }
}
