package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/**
 * What happened in the engine, as immutable records in the past tense. {@code stopId} bumps when a
 * new target is opened (and, for live targets, on every resume): caches key on it, and views drop
 * events of an older stop.
 */
public sealed interface DebugEvent {
    long stopId();

    /** A target was opened: what the views show first (summary, thread list). */
    record TargetOpened(long stopId, String source, String format, ProcessInfo process, Optional<SignalInfo> signal,
                        List<ThreadInfo> threads) implements DebugEvent {
        public TargetOpened { threads = List.copyOf(threads); }
    }

    record ModuleLoaded(long stopId, Module module) implements DebugEvent {}

    /** A dynamic function table appeared in the live target ({@code removed} false) or went away (JIT code). */
    record DynamicTableChanged(long stopId, DynamicTable table, boolean removed) implements DebugEvent {}

    /** What crashed a dumped process, as its platform names it, and the system it ran on. */
    /** What the system recorded beside a core (systemd-coredump's attributes or file name): time, ids, host, boot. */
    record CrashMetadataRead(long stopId, CrashMetadata metadata) implements DebugEvent {}

    record CrashSummarized(long stopId, String os, String cpu, Optional<CrashReason> crash) implements DebugEvent {}

    /** The data components added to a dump: minidump streams, Crashpad annotations, ELF core notes. */
    record DumpDataListed(long stopId, List<DumpData> items) implements DebugEvent {
        public DumpDataListed { items = List.copyOf(items); }
    }

    record StackWalked(long stopId, ThreadStack stack) implements DebugEvent {}

    /**
     * Every thread's stack of this stop, grouped (issue 21): by identical pcs and by the same
     * functions, offsets ignored, each largest first. Raised once the stop's stacks are all walked
     * (a dump opened, a live stop read), so views receive groups, not one row per thread.
     */
    record StacksGrouped(long stopId, List<StackGroup> byPc, List<StackGroup> byFunction) implements DebugEvent {
        public StacksGrouped { byPc = List.copyOf(byPc); byFunction = List.copyOf(byFunction); }

        /** Groups {@code report}'s stacks; its crashed (or stopped) threads mark their groups. */
        public static StacksGrouped of(long stopId, DumpReport report) {
            java.util.Set<Tid> crashed = new java.util.HashSet<>();
            for (ThreadInfo t : report.threads()) if (t.crashed()) crashed.add(t.tid());
            return new StacksGrouped(stopId, StackGroup.byPc(report.stacks(), crashed), StackGroup.byFunction(report.stacks(), crashed));
        }
    }

    /** The threads of a stopped live process, with their registers, read anew (after a stop). */
    record ThreadsRefreshed(long stopId, List<ThreadInfo> threads) implements DebugEvent {
        public ThreadsRefreshed { threads = List.copyOf(threads); }
    }

    /**
     * A {@code ChangeSymbolState} notification (see {@link EngineListener}) carried to views: the
     * flags and the seed's argument. Produced by an {@link EngineListener} that forwards into a bridge.
     */
    record SymbolStateChanged(long stopId, int flags, long argument) implements DebugEvent {}

    /** Progress of a long command: {@code done} of {@code total} units (threads unwound). */
    record ProgressReported(long stopId, String task, long done, long total) implements DebugEvent {}

    record DiagnosticReported(long stopId, Diagnostic diagnostic) implements DebugEvent {}

    record TargetClosed(long stopId) implements DebugEvent {}

    /** A module went away (dlclose); {@code base} as it was reported when it loaded. */
    record ModuleUnloaded(long stopId, Address base, String path) implements DebugEvent {}

    /** Every thread of the live target is stopped; {@code tid} stopped first, for {@code reason}. */
    record ProcessStopped(long stopId, Tid tid, StopReason reason) implements DebugEvent {}

    /** The live target runs again; events of older stop ids describe a past state. */
    record ProcessResumed(long stopId) implements DebugEvent {}

    record ThreadCreated(long stopId, Tid tid) implements DebugEvent {}

    record ThreadExited(long stopId, Tid tid, ExitStatus status) implements DebugEvent {}

    /** The live process ended; the session is over. */
    record ProcessExited(long stopId, ExitStatus status) implements DebugEvent {}

    /** A logpoint was passed: {@code message} with its {@code {expr}} values; the thread ran on. */
    record LogpointPrinted(long stopId, int breakpointId, Tid tid, String message) implements DebugEvent {}

    /** A data watchpoint was set, hit, or removed ({@code removed}). */
    record WatchpointChanged(long stopId, Watchpoint watchpoint, boolean removed) implements DebugEvent {}

    /** A breakpoint was set, enabled, disabled, hit, or removed ({@code removed}). */
    record BreakpointChanged(long stopId, Breakpoint breakpoint, boolean removed) implements DebugEvent {}

    /**
     * One call of a bind's status routine ({@code PIMAGEHLP_STATUS_ROUTINE}), typed. {@code bindId}
     * numbers the binds of this engine (a bind is not a stop: {@code stopId} is the target's current one).
     */
    record BindStatusReported(long stopId, long bindId, BindStatus status) implements DebugEvent {}

    /** A bind ended: how many modules and procedures were seen, how many failed, whether it was stopped. */
    record BindFinished(long stopId, long bindId, String image, int modules, int procedures, int failures, boolean stopped,
                        long millis) implements DebugEvent {}

    /** Rendered output of a command that writes a listing (at most 64 KiB per event, in order). */
    record OutputWritten(long stopId, byte[] bytes) implements DebugEvent {}

    /** Bytes of the target's memory read at stop {@code stopId} (the answer to {@code ReadMemory}, for views). */
    record MemoryRead(long stopId, MemoryBlock block) implements DebugEvent {}

    /**
     * A module's symbols changed state (deferred, loading with percent, loaded, partial, failed,
     * cancelled): raised by the symbol handler the engine hosts for the open target.
     */
    record SymbolStatusChanged(long stopId, SymbolLoadStatus status) implements DebugEvent {}

    /**
     * A line of the symbol load log: the handler's {@code CBA_EVENT} messages and, with the
     * {@code DEBUG} option, every search step ({@code CBA_DEBUG_INFO}, {@code debugInfo} true).
     */
    record SymbolLoadLogged(long stopId, Severity severity, Optional<String> module, String text, boolean debugInfo)
            implements DebugEvent {}
}
