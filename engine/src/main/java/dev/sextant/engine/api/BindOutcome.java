package dev.sextant.engine.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One image's bind: its result, or why the image could not be read ({@code error}); the status
 * calls that are {@linkplain BindStatus#notice() notices}, in order; the time the bind took.
 */
public record BindOutcome(Path image, Optional<BindResult> result, Optional<String> error, List<BindStatus> notices,
                          long nanos) {
    public BindOutcome { notices = List.copyOf(notices); }
}
