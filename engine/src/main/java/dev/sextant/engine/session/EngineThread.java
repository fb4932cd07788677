package dev.sextant.engine.session;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.CrashInbox;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.DisassemblyListing;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.TypeOption;
import dev.sextant.engine.api.UnwindListing;
import dev.sextant.engine.breakpad.BreakpadExport;
import dev.sextant.engine.code.CodeListings;
import dev.sextant.engine.code.Disassembler;
import dev.sextant.engine.code.FileCode;
import dev.sextant.engine.dump.CrashInboxReader;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.linux.ProcessList;
import dev.sextant.engine.symbols.SymbolHandler;
import dev.sextant.engine.symbols.SymbolPath;
import dev.sextant.engine.unwind.UnwindListings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import dev.sextant.engine.api.SourceSubstitution;
import dev.sextant.engine.source.SourceSubstitutions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The engine's one thread and its command queue. Every native handle of the target is created,
 * used and closed here; other threads only enqueue commands and read futures and events.
 */
public final class EngineThread implements Engine {
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final List<DebugListener> listeners = new CopyOnWriteArrayList<>();
    private static final AtomicInteger ENGINES = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    private long stopId;
    private Set<TypeOption> typeOptions = Set.of();
    private boolean readStacksAtStop;   // the stop policy
    private boolean stopPending;        // a stop since the policy last ran
    private LiveTarget live;
    private final CoreTarget core;
    private final SymbolHost symbols;
    private final Jobs jobs;

    public EngineThread() {
        this(SymbolPath.defaults(System.getenv()), SymbolOption.defaults());
    }

    /**
     * Starts binding the native libraries (JNA, libdw) on other threads, for a short command-line run
     * that has arguments to read meanwhile; the future tells why libdw cannot be used, if it cannot.
     */
    public static Future<Optional<String>> preloadNatives() {
        return ElfSession.preload();
    }

    /** The symbol path a new engine starts with: {@code own;debuglink;build-id} and this environment's debuginfod servers. */
    public static String defaultSymbolPath() {
        return SymbolPath.defaults(System.getenv()).toString();
    }

    /** An engine whose symbol handler starts with this symbol path and these options. */
    public EngineThread(SymbolPath symbolPath, Set<SymbolOption> symbolOptions) {
        // The symbol host's results are posted to this thread, so listeners still run only here.
        symbols = new SymbolHost(new SymbolHost.Sink() {
            @Override public void emit(LongFunction<DebugEvent> event) { post(event); }
            @Override public void changeSymbolState(int flags, long argument) { queue.add(() -> notifySymbolState(flags, argument)); }
        }, symbolPath, symbolOptions, SymbolHandler.timeoutFromEnvironment(System.getenv()));
        jobs = new Jobs(this::post);
        core = new CoreTarget(new CoreTarget.Host() {
            @Override public long nextStopId() { return ++stopId; }
            @Override public void emit(DebugEvent event) { EngineThread.this.emit(event); }
            @Override public boolean watched() { return !listeners.isEmpty(); }
            @Override public SymbolHost symbols() { return symbols; }
            @Override public void later(Runnable work) { queue.add(work); }
        });
        registerHandlers();
        thread = new Thread(this::loop, "sextant-engine-" + ENGINES.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stop ids go on after {@code last}: an engine that replaces one that ended (its process died)
     * must not number its stops below those the views have seen, or they would drop its events.
     */
    public void continueStopIdsAfter(long last) {
        queue.add(() -> stopId = Math.max(stopId, last));
    }

    /** An event built on the engine thread with its stop id then (from other threads: the symbol host, file workers). */
    private void post(LongFunction<DebugEvent> event) {
        if (!listeners.isEmpty()) queue.add(() -> {
            DebugEvent e = event.apply(stopId);
            if (e != null) emit(e);         // null: the event's target is gone (the symbol host drops them so)
        });
    }

    private void loop() {
        long lastActivity = 0;
        while (running) {
            try {
                Runnable next;
                if (live == null) {
                    next = queue.take();
                } else if (!live.running()) {
                    // Stopped: only an exit can happen (a SIGKILL from outside); notice it soon.
                    next = queue.poll(50, TimeUnit.MILLISECONDS);
                } else if (System.nanoTime() - lastActivity < 2_000_000L) {
                    next = queue.poll();        // the target just stopped or reported: look again at once
                    if (next == null) Thread.yield();      // let the target run on this core: it is what we wait for
                } else {
                    // Running and quiet: wait for a command or the next ptrace stop, checked more
                    // rarely the longer the target has been quiet (1 ms, then 4 ms after 0.1 s,
                    // 10 ms after 1 s), so that an idle session does not keep a core busy. A
                    // command still wakes the engine at once.
                    long quiet = System.nanoTime() - lastActivity;
                    next = queue.poll(quiet < 100_000_000L ? 1 : quiet < 1_000_000_000L ? 4 : 10, TimeUnit.MILLISECONDS);
                }
                if (next != null) next.run();
                if (live != null && pumpLive()) lastActivity = System.nanoTime();
                if (stopPending) afterStop();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                // Nothing may end this thread but close(): every later command would wait forever,
                // and a live target's exit would never be told. Say what failed, and carry on.
                internalError(e);
            }
        }
        if (live != null) closeLive();
        core.close();
        if (disassembler != null) disassembler.close();
    }

    private void internalError(Throwable e) {
        stopPending = false;
        emit(new DebugEvent.DiagnosticReported(stopId, new Diagnostic(Severity.ERROR, "engine: internal error: " + e
                + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""))));
        if (live != null && live.ended()) closeLive();
    }

    /** While a live target runs, the engine thread also waits for its ptrace stops (between commands). */
    private boolean pumpLive() {
        try {
            boolean any = live.pump();
            if (live.ended()) closeLive();
            return any;
        } catch (RuntimeException e) {
            emit(new DebugEvent.DiagnosticReported(stopId, new Diagnostic(Severity.ERROR, "live target: " + e.getMessage())));
            collectExit();
            closeLive();
            return true;
        }
    }

    /**
     * A process SIGKILLed while one of its stops was being handled makes the next ptrace request fail
     * (ESRCH) before its exit reaches waitpid: pump a little longer, so that the exit status is
     * collected and the session ends with ProcessExited and its reason instead of in silence.
     */
    private void collectExit() {
        long until = System.nanoTime() + 200_000_000L;
        while (!live.ended() && System.nanoTime() < until) {
            try {
                if (!live.pump()) Thread.onSpinWait();
            } catch (RuntimeException stillDying) {
                Thread.onSpinWait();     // the rest of the stop fails the same way; the exit comes next
            }
        }
    }

    private void closeLive() {
        LiveTarget l = live;
        live = null;
        symbols.closeTarget();
        try {
            l.tellExitIfUntold();
            l.close();
        } catch (RuntimeException e) {
            emit(new DebugEvent.DiagnosticReported(stopId, new Diagnostic(Severity.ERROR, "closing the live target: " + e.getMessage())));
        }
    }

    @SuppressWarnings("unchecked")
    @Override public <R> CompletableFuture<R> submit(Command<R> command) {
        CompletableFuture<R> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(new IllegalStateException("the engine is closed"));
            return future;
        }
        if (command instanceof Command.CancelSymbolLoad c) {
            // Not queued behind the command it cancels: the symbol host, and the Breakpad loads of a
            // minidump being opened (on this engine thread), take cancels from any thread.
            boolean breakpad = core.cancelBreakpadLoad(c.module().map(a -> a.value()));
            return (CompletableFuture<R>) symbols.cancel(c.module().map(a -> a.value())).thenApply(found -> found || breakpad);
        }
        queue.add(() -> {
            try {
                Object r = execute(command);
                if (r instanceof Later later) {
                    later.future().whenComplete((v, e) -> {
                        if (e != null) future.completeExceptionally(e instanceof CompletionException c ? c.getCause() : e);
                        else future.complete((R) v);
                    });
                } else {
                    future.complete((R) r);
                }
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** A command answered later, by another thread (the symbol host's, a file worker's). */
    private record Later(CompletableFuture<?> future) {}

    /** How the engine answers one kind of command: its result, or a {@link Later}. */
    private interface Handler<C> {
        Object handle(C command);
    }

    private final Map<Class<?>, Handler<Command<?>>> handlers = new HashMap<>();

    private <C extends Command<?>> void on(Class<C> type, Handler<C> handler) {
        handlers.put(type, c -> handler.handle(type.cast(c)));
    }

    /** A command of the live target: fails when there is none. */
    private <C extends Command<?>> void onLive(Class<C> type, BiFunction<LiveTarget, C, Object> handler) {
        on(type, c -> handler.apply(requireLive(), c));
    }

    /**
     * The dispatch table: one entry per command. A new command is a record in {@link Command}, one
     * line here, and the method it names.
     */
    private void registerHandlers() {
        // targets
        on(Command.OpenCore.class, core::open);
        on(Command.CloseTarget.class, c -> closeTarget());
        on(Command.StackProcess.class, c -> LiveTarget.stackSnapshot(c.pid(), c.cancellation()));
        on(Command.Attach.class, this::attach);
        on(Command.Launch.class, this::launch);
        on(Command.Detach.class, c -> detach());
        on(Command.Kill.class, c -> kill());
        // the live target's run control and breakpoints
        onLive(Command.Break.class, (l, c) -> l.interrupt());
        onLive(Command.Continue.class, (l, c) -> l.resume());
        onLive(Command.StepInstruction.class, LiveTarget::stepInstruction);
        onLive(Command.StepOverInstruction.class, LiveTarget::stepOverInstruction);
        onLive(Command.StepOver.class, (l, c) -> l.stepLine(c.thread(), false));
        onLive(Command.StepInto.class, (l, c) -> l.stepLine(c.thread(), true));
        onLive(Command.StepOut.class, LiveTarget::stepOut);
        onLive(Command.SetBreakpoint.class, LiveTarget::setBreakpoint);
        onLive(Command.RemoveBreakpoint.class, LiveTarget::removeBreakpoint);
        onLive(Command.EnableBreakpoint.class, LiveTarget::enableBreakpoint);
        on(Command.ReadFrameRegisters.class, c -> live != null ? live.readFrameRegisters(c) : new Later(core.frameRegisters(c)));
        on(Command.ReadSseRegisters.class, c -> live != null ? live.readSseRegisters(c) : core.sseRegisters(c));
        onLive(Command.ConfigureBreakpoint.class, LiveTarget::configureBreakpoint);
        onLive(Command.SetWatchpoint.class, LiveTarget::setWatchpoint);
        onLive(Command.RemoveWatchpoint.class, LiveTarget::removeWatchpoint);
        onLive(Command.SetProgramCounter.class, LiveTarget::setProgramCounter);
        onLive(Command.RunTo.class, LiveTarget::runTo);
        // program state: the live target's at this stop (any frame), or the open core's
        on(Command.SetScope.class, this::setScope);
        onLive(Command.ReadStacks.class, this::readStacks);
        onLive(Command.WhileStopped.class, this::whileStopped);
        on(Command.SetStopPolicy.class, c -> { readStacksAtStop = c.readStacks(); return Boolean.TRUE; });
        on(Command.ReadVariables.class, c -> live != null ? live.readVariables(c) : core.readVariables(c));
        on(Command.Evaluate.class, c -> live != null ? live.evaluate(c) : core.evaluate(c));
        on(Command.SetVariable.class, c -> live != null ? live.setVariable(c) : core.setVariable(c));
        // memory: the live target's, or the open core's
        on(Command.ReadMemory.class, this::readMemory);
        on(Command.EvaluateAddress.class, c -> live != null ? live.evaluate(c) : core.evaluate(c));
        // symbols (CancelSymbolLoad is not queued: see submit)
        // A minidump's symbols are Breakpad's, loaded by the open dump; every other target's by the symbol handler.
        on(Command.LoadSymbols.class, c -> core.minidumpOpen() ? core.loadSymbols(c.module()) : new Later(symbols.load(c.module())));
        on(Command.RetrySymbolLoad.class, c -> core.minidumpOpen() ? core.retrySymbols(c.module()) : new Later(symbols.retry(c.module())));
        on(Command.SetSymbolPath.class, c -> {
            SymbolPath parsed = SymbolPath.parse(c.path(), System.getenv());    // a bad entry changes nothing
            core.setSymbolPath(c.path());
            return new Later(symbols.setPath(parsed));
        });
        on(Command.SetSymbolOptions.class, c -> new Later(symbols.setOptions(c.options())));
        on(Command.SetTypeOptions.class, this::setTypeOptions);
        on(Command.FindSymbols.class, c -> new Later(symbols.find(c.pattern())));
        on(Command.DescribeAddress.class, c -> new Later(symbols.describe(c.address())));
        on(Command.QuerySymbols.class, c -> SymbolQuery.run(c, this::emit, stopId));
        // sources
        on(Command.LocateSource.class, c -> new Later(symbols.locateSource(c, substitutions)));
        on(Command.SetSourceSubstitutions.class, this::setSubstitutions);
        on(Command.ListSourceSubstitutions.class, c -> substitutions);
        // files and one-shot jobs
        on(Command.Bind.class, c -> new Later(jobs.bind(c)));
        on(Command.ObserveBinds.class, c -> jobs.observeBinds(c.program()));
        on(Command.SaveDump.class, c -> LiveDump.save(c, Optional.ofNullable(live).map(LiveTarget::tracer)));
        // The command line's dump: its Breakpad symbol loads reach listeners as the window's do (its progress on stderr).
        on(Command.SummarizeDump.class, c -> Jobs.summarizeDump(c, new BreakpadSymbolLoads(this::emit, stopId, new Cancellation())));
        on(Command.CaptureCrash.class, c -> new Later(jobs.captureCrash(c)));
        on(Command.ListUnwindTables.class, c -> new Later(jobs.listUnwindTables(c.file())));
        on(Command.DescribeUnwindEntry.class, c -> new Later(jobs.describeUnwindEntry(c)));
        on(Command.WriteUnwindListing.class, this::unwindListing);
        on(Command.ListProcesses.class, c -> ProcessList.list());
        on(Command.ListCrashes.class, this::listCrashes);
        on(Command.ExportBreakpad.class, c -> BreakpadExport.export(c.file(), c.output(), c.cancellation()));
        // code: of a module file (no target needed), or of the live target's (or the open core's) memory
        on(Command.Disassemble.class, c -> c.file().isPresent() ? FileCode.disassemble(c.file().get(), c.range(), disassembler())
                : live != null ? live.disassemble(c) : core.disassemble(c, disassembler()));
        on(Command.WriteDisassembly.class, this::writeDisassembly);
    }

    /** Whether the dispatch table answers commands of {@code type} (for the test that every command is). */
    boolean handles(Class<?> type) {
        return handlers.containsKey(type) || type == Command.CancelSymbolLoad.class;
    }

    private Object execute(Command<?> command) {
        Handler<Command<?>> h = handlers.get(command.getClass());
        if (h == null) throw new IllegalArgumentException("the engine has no handler for " + command.getClass().getSimpleName());
        return h.handle(command);
    }

    private LiveTarget requireLive() {
        if (live == null) throw new TargetException("no live process: attach or launch one first");
        return live;
    }

    private Boolean closeTarget() {
        core.close();
        symbols.closeTarget();
        if (live != null) {
            live.detach();
            closeLive();
        } else {
            emit(new DebugEvent.TargetClosed(stopId));
        }
        return Boolean.TRUE;
    }

    private ProcessInfo attach(Command.Attach a) {
        core.close();
        replaceLive();
        live = LiveTarget.attach(a.pid(), sink, this::disassembler);
        symbols.openProcess(a.pid().value());
        return live.processInfo();
    }

    private ProcessInfo launch(Command.Launch l) {
        core.close();
        replaceLive();
        live = LiveTarget.launch(l, sink, this::disassembler);
        ProcessInfo info = live.processInfo();
        symbols.openProcess(info.pid().value());
        return info;
    }

    private Boolean detach() {
        requireLive().detach();
        closeLive();
        return Boolean.TRUE;
    }

    private Boolean kill() {
        requireLive().kill();
        if (live != null) closeLive();
        return Boolean.TRUE;
    }

    private MemoryBlock readMemory(Command.ReadMemory r) {
        MemoryBlock b = live != null ? live.readMemory(r) : core.read(r);
        emit(new DebugEvent.MemoryRead(stopId, b));
        return b;
    }

    private DumpReport readStacks(LiveTarget l, Command.ReadStacks c) {
        DumpReport r = l.readStacks(c);
        // Views learn the stopped threads' registers and stacks from events, as for dumps.
        emit(new DebugEvent.ThreadsRefreshed(stopId, r.threads()));
        r.stacks().forEach(st -> emit(new DebugEvent.StackWalked(stopId, st)));
        if (!listeners.isEmpty()) emit(DebugEvent.StacksGrouped.of(stopId, r));   // regrouped at each stop
        symbols.framesSeen(CoreTarget.pcs(r));
        return r;
    }

    private Object whileStopped(LiveTarget l, Command.WhileStopped<?> w) {
        boolean wasRunning = l.running();
        if (wasRunning) l.interrupt();
        try {
            return execute(w.command());
        } finally {
            if (wasRunning && live != null) live.resume();
        }
    }

    /** The stop policy, after commands and pumps that stopped the live target. */
    private void afterStop() {
        stopPending = false;
        if (!readStacksAtStop || live == null || live.running()) return;
        try {
            readStacks(live, new Command.ReadStacks(new Cancellation()));
        } catch (TargetException e) {
            // the stop was over (or the target gone) by the time the engine got to it: nothing to read
        } catch (RuntimeException e) {
            emit(new DebugEvent.DiagnosticReported(stopId, new Diagnostic(Severity.ERROR, "reading the stacks at the stop: " + e.getMessage())));
        }
    }

    private Boolean setTypeOptions(Command.SetTypeOptions t) {
        if (t.options().equals(typeOptions)) return Boolean.FALSE;
        typeOptions = t.options();
        notifySymbolState(EngineListener.DEBUG_CSS_TYPE_OPTIONS, TypeOption.mask(typeOptions));
        return Boolean.TRUE;
    }

    /** The crash inbox; the batch's workers (each with its own libdwfl session) run beside this thread, which reports their progress. */
    private CrashInbox listCrashes(Command.ListCrashes l) {
        long id = stopId;     // not a new target: the current one's events stay current
        return CrashInboxReader.read(l.directories(), l.since(), l.signatures(), l.cancellation(),
                (done, total) -> emit(new DebugEvent.ProgressReported(id, "Crash signatures", done, total)));
    }

    private UnwindListing unwindListing(Command.WriteUnwindListing c) {
        try {
            return UnwindListings.write(c.file(), c.at(), c.json(), bytes -> emit(new DebugEvent.OutputWritten(stopId, bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<SourceSubstitution> setSubstitutions(Command.SetSourceSubstitutions c) {
        SourceSubstitutions.save(substitutionsFile, c.substitutions());
        substitutions = c.substitutions();
        notifySymbolState(EngineListener.DEBUG_CSS_PATHS, 0);
        return substitutions;
    }

    private final Path substitutionsFile = SourceSubstitutions.defaultFile(System.getenv());
    private List<SourceSubstitution> substitutions = SourceSubstitutions.load(substitutionsFile);

    private Disassembler disassembler;

    /** The engine's Capstone handle, opened at the first disassembly. */
    Disassembler disassembler() {
        if (disassembler == null) {
            Disassembler.unavailableReason().ifPresent(r -> { throw new TargetException(r); });
            disassembler = new Disassembler();
        }
        return disassembler;
    }

    /** A listing streamed as OutputWritten events: of a file (a range, its functions, its code) or of the target's memory. */
    private DisassemblyListing writeDisassembly(Command.WriteDisassembly c) {
        Consumer<byte[]> sink = bytes -> emit(new DebugEvent.OutputWritten(stopId, bytes));
        if (c.what() instanceof Command.WriteDisassembly.Range r) {
            if (c.file().isEmpty()) {
                Command.Disassemble d = new Command.Disassemble(Optional.empty(), r.range());
                // a live target is this machine's: x86-64
                return CodeListings.write(live != null ? live.disassemble(d) : core.disassemble(d, disassembler()), "elf64-x86-64", c.json(), sink);
            }
            Disassembly listing = FileCode.disassemble(c.file().get(), r.range(), disassembler());
            return CodeListings.write(listing, CodeListings.format(c.file().get()), c.json(), sink);
        }
        Path file = c.file().orElseThrow(() -> new TargetException("a listing of every function or code section reads a file, not a process"));
        if (disassembler != null) return CodeListings.writeFile(file, c.what() instanceof Command.WriteDisassembly.AllCode, c.json(), disassembler, sink);
        // The first disassembly: JNA binds Capstone's library on a thread of its own while this one reads the file's headers, symbols
        // and code (the two were a third of a libc listing's wall time, one after the other)
        Thread load = new Thread(Disassembler::unavailableReason, "sextant-capstone");
        load.setDaemon(true);
        load.start();
        try {
            return CodeListings.writeFile(file, c.what() instanceof Command.WriteDisassembly.AllCode, c.json(), this::disassembler, sink);
        } catch (TargetException e) {
            if (disassembler == null) Disassembler.unavailableReason().ifPresent(r -> { throw new TargetException(r); });   // said first, as before
            throw e;
        }
    }

    /** The live target's scope, or the open core's (whose change is announced here). */
    private Boolean setScope(Command.SetScope s) {
        if (live != null) return live.setScope(s);
        boolean changed = core.setScope(s);
        if (changed) notifySymbolState(EngineListener.DEBUG_CSS_SCOPE, 0);
        return changed;
    }

    private void replaceLive() {
        if (live == null) return;
        live.detach();
        closeLive();
    }

    private final LiveTarget.Sink sink = new LiveTarget.Sink() {
        @Override public long stopId() { return stopId; }
        @Override public long nextStopId() { return ++stopId; }
        @Override public void emit(DebugEvent event) {
            if (event instanceof DebugEvent.ProcessStopped s && !(s.reason() instanceof StopReason.ProcessExit)) stopPending = true;
            EngineThread.this.emit(event);
        }
        @Override public void changeSymbolState(int flags, long argument) {
            notifySymbolState(flags, argument);
            if ((flags & (EngineListener.DEBUG_CSS_LOADS | EngineListener.DEBUG_CSS_UNLOADS)) != 0) symbols.refreshModules();
        }
    };

    private record Interest(EngineListener listener, int mask) {}

    private final List<Interest> engineListeners = new CopyOnWriteArrayList<>();

    /**
     * ChangeSymbolState to every listener whose mask asks for it, and as an event (with this stop's id)
     * to the event listeners; argument 0 when several flags are set.
     */
    private void notifySymbolState(int flags, long argument) {
        long arg = Integer.bitCount(flags) > 1 ? 0 : argument;
        emit(new DebugEvent.SymbolStateChanged(stopId, flags, arg));
        for (Interest i : engineListeners) {
            if ((i.mask() & flags) == 0) continue;
            try {
                i.listener().changeSymbolState(flags, arg);
            } catch (RuntimeException e) {
                engineListeners.remove(i);
                emit(new DebugEvent.DiagnosticReported(stopId, new Diagnostic(Severity.ERROR,
                        "a symbol-state listener failed and was disabled: " + e)));
            }
        }
    }

    @Override public void addEngineListener(EngineListener listener) {
        engineListeners.add(new Interest(listener, listener.interestMask()));
    }

    @Override public void removeEngineListener(EngineListener listener) {
        engineListeners.removeIf(i -> i.listener() == listener);
    }



    private void emit(DebugEvent event) {
        for (DebugListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                listeners.remove(l);
                Diagnostic d = new Diagnostic(Severity.ERROR, "a listener failed and was removed: " + e);
                DebugEvent report = new DebugEvent.DiagnosticReported(event.stopId(), d);
                for (DebugListener other : listeners) {
                    try { other.onEvent(report); } catch (RuntimeException ignored) { listeners.remove(other); }
                }
            }
        }
    }

    @Override public void addListener(DebugListener listener) { listeners.add(listener); }

    @Override public void removeListener(DebugListener listener) { listeners.remove(listener); }

    @Override public void close() {
        if (!running) return;
        symbols.close();
        queue.add(jobs::close);
        queue.add(() -> running = false);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
