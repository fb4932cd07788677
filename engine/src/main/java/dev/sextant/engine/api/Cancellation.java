package dev.sextant.engine.api;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flag the user sets to stop a long command (opening a big dump). Any thread may cancel; the
 * engine polls it between units of work and ends the command with a {@link java.util.concurrent.CancellationException}.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() { cancelled.set(true); }

    public boolean isCancelled() { return cancelled.get(); }

    public void throwIfCancelled() {
        if (cancelled.get()) throw new java.util.concurrent.CancellationException("cancelled by the user");
    }
}
