package dev.sextant.engine.api;

/**
 * Receives engine events on the engine thread. Copy, enqueue, return: never block and never call
 * back into the engine. A listener that throws is removed and the failure reported as a
 * {@link DebugEvent.DiagnosticReported}.
 */
@FunctionalInterface
public interface DebugListener {
    void onEvent(DebugEvent event);
}
