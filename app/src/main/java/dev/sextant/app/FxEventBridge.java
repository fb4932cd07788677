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

    public FxEventBridge(List<Consumer<List<DebugEvent>>> models) {
        this.models.addAll(models);
    }

    /** Adds a model that applies batches after the ones given at construction (FX thread). */
    public void addModel(Consumer<List<DebugEvent>> model) { models.add(model); }

    @Override public void onEvent(DebugEvent e) {              // engine thread
        pending.add(e);
        if (scheduled.compareAndSet(false, true)) Platform.runLater(this::drain);
    }

    private void drain() {                                      // FX thread
        scheduled.set(false);
        List<DebugEvent> batch = new ArrayList<>();
        for (DebugEvent e; (e = pending.poll()) != null; ) batch.add(e);
        if (batch.isEmpty()) return;
        batches++;
        models.forEach(m -> m.accept(batch));
    }

    /** How many batches have been applied: lets tests and the status bar see that events are coalesced. */
    public long batchesApplied() { return batches; }
}
