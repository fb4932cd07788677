package dev.sextant.engine.elfutils;

import java.util.List;
import java.util.Optional;

/** Receives one thread's frames as unwound, innermost first, and why the walk stopped early (when it did). */
@FunctionalInterface
public interface ThreadVisitor {
    void thread(int tid, List<RawFrame> frames, Optional<String> stopReason);
}
