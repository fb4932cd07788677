package dev.sextant.app;

import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * The only place that crosses from the engine thread into the FX thread. Events are queued as
 * they come and applied in batches: one {@code Platform.runLater} per pulse, however many events
 * arrived, so a storm of events never floods the FX queue.
 */
public final class FxEventBridge implements DebugListener {
    private final Queue<DebugEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final List<Consumer<List<DebugEvent>>> models = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long batches;
    private volatile long[] drainTimes;       // when recording: the FX thread's CPU nanoseconds for each batch
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private int drainCount;

    public FxEventBridge(List<Consumer<List<DebugEvent>>> models) {
        this.models.addAll(models);
    }

    /** Adds a model that applies batches after the ones given at construction (FX thread). */
    public void addModel(Consumer<List<DebugEvent>> model) { models.add(model); }

    @Override public void onEvent(DebugEvent e) {              // engine thread
        pending.add(e);
        if (scheduled.compareAndSet(false, true)) Platform.runLater(this::drain);
    }

    /**
     * The most events applied in one go: a burst (100,000 threads' stacks read while the FX thread
     * waited) is applied over several runs, with pulses between them, not in one long one.
     */
    static final int MAX_BATCH = 2_000;

    private void drain() {                                      // FX thread
        scheduled.set(false);
        List<DebugEvent> batch = new ArrayList<>();
        for (DebugEvent e; batch.size() < MAX_BATCH && (e = pending.poll()) != null; ) batch.add(e);
        if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) Platform.runLater(this::drain);
        if (batch.isEmpty()) return;
        batches++;
        long[] times = drainTimes;
        long t0 = times == null ? 0 : CPU.getCurrentThreadCpuTime();
        models.forEach(m -> m.accept(batch));
        if (times != null && drainCount < times.length) times[drainCount++] = CPU.getCurrentThreadCpuTime() - t0;
    }

    /**
     * Starts recording the FX thread's CPU time for each batch (at most {@code max} batches; CPU, not
     * wall time, so that a shared machine's scheduling does not count), for the FX-pulse measurement;
     * {@link #drainTimes()} reads them. FX thread.
     */
    public void recordDrainTimes(int max) {
        drainCount = 0;
        drainTimes = new long[max];
    }

    /** The recorded batch CPU times in nanoseconds, in order. FX thread. */
    public long[] drainTimes() {
        long[] t = drainTimes;
        return t == null ? new long[0] : java.util.Arrays.copyOf(t, drainCount);
    }

    /** How many batches have been applied: lets tests and the status bar see that events are coalesced. */
    public long batchesApplied() { return batches; }
}
