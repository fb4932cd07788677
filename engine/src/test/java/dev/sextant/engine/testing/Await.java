package dev.sextant.engine.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition a test cannot be told of by an event (a /proc file, a growing output file,
 * a port that opens), with a timeout: the one place tests poll. A test waits for an event instead
 * where there is one ({@link EventLog#await}).
 */
public final class Await {
    private Await() {}

    /** A condition read from the outside world; may throw. */
    @FunctionalInterface
    public interface Condition { boolean holds() throws Exception; }

    /** A value that may not be there yet; may throw. */
    @FunctionalInterface
    public interface Probe<T> { Optional<T> get() throws Exception; }

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Waits until {@code condition} holds; an {@link AssertionError} naming {@code what} when it does not within {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        value(what, timeout, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Waits until {@code probe} gives a value and returns it; an {@link AssertionError} naming {@code what} on timeout. */
    public static <T> T value(String what, Duration timeout, Probe<T> probe) throws Exception {
        return poll(timeout, probe).orElseThrow(() -> new AssertionError("not within " + timeout.toMillis() + " ms: " + what));
    }

    /** Waits until {@code probe} gives a value; empty when it does not within {@code timeout}. */
    public static <T> Optional<T> poll(Duration timeout, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent() || System.nanoTime() - deadline > 0) return v;
            if (Thread.interrupted()) throw new InterruptedException();
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
