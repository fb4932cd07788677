package dev.sextant.engine.linux;

import dev.sextant.engine.api.ExitStatus;
import dev.sextant.engine.api.StopReason;

/** What the tracer saw, in the order it saw it; the session turns these into {@code DebugEvent}s. Immutable. */
public sealed interface TraceEvent {
    /** A new thread, created by {@code clone} in thread {@code parent}. */
    record ThreadStarted(int tid, int parent) implements TraceEvent {}

    record ThreadEnded(int tid, ExitStatus status) implements TraceEvent {}

    /** Every thread is now stopped; {@code tid} is the one that stopped first, for {@code reason}. */
    record Stopped(int tid, StopReason reason) implements TraceEvent {}

    /** The program ran {@code execve}: its modules and breakpoints are gone. */
    record Execed(int tid) implements TraceEvent {}

    /** The process ended; the tracer is finished. */
    record Exited(ExitStatus status) implements TraceEvent {}

    /** The dynamic linker changed the module list: bases of modules that came and went (see {@code linux.Rendezvous}). */
    record ModulesChanged(java.util.List<Long> loaded, java.util.List<Long> unloaded) implements TraceEvent {}
}
