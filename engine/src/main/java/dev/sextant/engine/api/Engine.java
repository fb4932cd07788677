package dev.sextant.engine.api;

import java.util.concurrent.CompletableFuture;

/**
 * The debugger engine: one thread that owns every native handle of its target. Any thread may
 * submit commands; the future reports acceptance or failure, and state changes arrive as
 * {@link DebugEvent}s on the listeners, called on the engine thread (copy, enqueue, return).
 */
public interface Engine extends AutoCloseable {
    <R> CompletableFuture<R> submit(Command<R> command);

    void addListener(DebugListener listener);

    void removeListener(DebugListener listener);

    /** Adds a symbol-state listener ({@code ChangeSymbolState}); its interest mask is read now. */
    void addEngineListener(EngineListener listener);

    void removeEngineListener(EngineListener listener);

    /** Closes the target and stops the engine thread; waits briefly for it. */
    @Override void close();
}
