package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/** A thread's unwound stack, innermost frame first, and why unwinding stopped when it was not the outermost frame. Immutable. */
public record ThreadStack(Tid tid, List<StackFrame> frames, Optional<String> stopReason) {
    public ThreadStack { frames = List.copyOf(frames); }
}
