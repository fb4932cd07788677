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
    private final List<Consumer<DebugEvent>> preparers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long batches;
    private volatile long[] drainTimes;       // when recording: the FX thread's CPU nanoseconds for each batch
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private int drainCount;
    /**
     * With {@code -Dsextant.debug.batches=FILE}: each batch of more than 10 ms of FX CPU is appended
     * to FILE with the CPU time of each model over 2 ms (by its index in the bridge) and the kinds of
     * event in it (ManyThreadsBench's "event batches" say how long, this says where).
     */
    private static final java.io.PrintStream DEBUG = debugOut();
    private static java.io.PrintStream debugOut() {
        String f = System.getProperty("sextant.debug.batches");
        try { return f == null ? null : new java.io.PrintStream(new java.io.FileOutputStream(f, true)); } catch (java.io.IOException e) { return null; }
    }

    public FxEventBridge(List<Consumer<List<DebugEvent>>> models) {
        this.models.addAll(models);
    }

    /** Adds a model that applies batches after the ones given at construction (FX thread). */
    public void addModel(Consumer<List<DebugEvent>> model) { models.add(model); }

    /**
     * Adds work done for each event on the engine's thread, in order, before the event is queued:
     * a model readies there what a large event needs (a 100,000-thread dump's rows) so that
     * applying it on the FX thread is short. Before the engine's first event.
     */
    public void addPreparer(Consumer<DebugEvent> preparer) { preparers.add(preparer); }

    @Override public void onEvent(DebugEvent e) {              // engine thread
        for (Consumer<DebugEvent> p : preparers) p.accept(e);
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
        if (DEBUG == null) models.forEach(m -> m.accept(batch));
        else debugApply(batch);
        if (times != null && drainCount < times.length) times[drainCount++] = CPU.getCurrentThreadCpuTime() - t0;
    }

    /** Applies a batch as {@link #drain} does, writing where a long one's FX CPU went to {@link #DEBUG}. */
    private void debugApply(List<DebugEvent> batch) {
        StringBuilder sb = new StringBuilder();
        long all0 = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < models.size(); i++) {
            long a = CPU.getCurrentThreadCpuTime();
            models.get(i).accept(batch);
            long d = CPU.getCurrentThreadCpuTime() - a;
            if (d > 2_000_000) sb.append(" m").append(i).append('=').append(d / 1_000_000).append("ms");
        }
        long all = CPU.getCurrentThreadCpuTime() - all0;
        if (all <= 10_000_000) return;
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (DebugEvent e : batch) kinds.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        DEBUG.println(System.nanoTime() / 1_000_000 + " batch " + all / 1_000_000 + "ms" + sb + " " + kinds);
        DEBUG.flush();
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
