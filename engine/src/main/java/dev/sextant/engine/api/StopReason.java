package dev.sextant.engine.api;

/**
 * Why a live target stopped (or ended), as the engine reports it in
 * {@link DebugEvent.ProcessStopped}. Immutable records; {@code pc} is where the thread now is.
 */
public sealed interface StopReason {
    /** A user breakpoint was hit; the thread is stopped at the breakpoint's address, before its instruction. */
    record BreakpointHit(int breakpointId, Address pc, long hitCount) implements StopReason {}

    /**
     * A data watchpoint trapped: the thread is stopped after the instruction that accessed
     * {@code expression}; {@code oldValue} and {@code newValue} as gdb prints them (equal for a read).
     */
    record WatchpointHit(int watchpointId, String expression, Address pc, String oldValue, String newValue, long hitCount)
            implements StopReason {}

    /** A breakpoint's condition could not be evaluated (gdb stops then too): {@code error} says why. */
    record ConditionFailed(int breakpointId, Address pc, String error) implements StopReason {}

    /** A step (instruction, line, or run to return) completed. */
    record StepCompleted(Address pc) implements StopReason {}

    /** The thread received a signal; it will be delivered when the target continues. */
    record SignalReceived(SignalInfo signal, Address pc) implements StopReason {}

    /** The user asked to stop every thread (Break). */
    record Interrupted(Address pc) implements StopReason {}

    /** The debugger attached or launched the program and holds it stopped. */
    record Attached(Address pc) implements StopReason {}

    /** A thread ended; the process goes on. */
    record ThreadExit(Tid tid, ExitStatus status) implements StopReason {}

    /** The process ended: the session is over. */
    record ProcessExit(ExitStatus status) implements StopReason {}
}
