package dev.sextant.engine.session;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.DumpData;
import dev.sextant.engine.api.CrashMetadata;
import dev.sextant.engine.dump.CoreCache;
import dev.sextant.engine.dump.CoreOptions;
import dev.sextant.engine.dump.CrashMetadataReader;
import dev.sextant.engine.dump.DumpOverview;
import dev.sextant.engine.dump.MinidumpReader;
import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.dump.CoreReadListener;
import dev.sextant.engine.dump.ElfCoreReader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engine's one thread and its command queue. Every native handle of the target is created,
 * used and closed here; other threads only enqueue commands and read futures and events.
 */
public final class EngineThread implements Engine {
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final List<DebugListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long stopId;
    private java.util.Set<dev.sextant.engine.api.TypeOption> typeOptions = java.util.Set.of();
    private LiveTarget live;
    private CoreMemory core;
    private final SymbolHost symbols;

    public EngineThread() {
        this(dev.sextant.engine.symbols.SymbolPath.defaults(System.getenv()), dev.sextant.engine.api.SymbolOption.defaults());
    }

    /** An engine whose symbol handler starts with this symbol path and these options. */
    public EngineThread(dev.sextant.engine.symbols.SymbolPath symbolPath, java.util.Set<dev.sextant.engine.api.SymbolOption> symbolOptions) {
        // The symbol host's results are posted to this thread, so listeners still run only here.
        symbols = new SymbolHost(new SymbolHost.Sink() {
            @Override public void emit(java.util.function.LongFunction<DebugEvent> event) { queue.add(() -> EngineThread.this.emit(event.apply(stopId))); }
            @Override public void changeSymbolState(int flags, long argument) { queue.add(() -> notifySymbolState(flags, argument)); }
        }, symbolPath, symbolOptions, dev.sextant.engine.symbols.SymbolHandler.timeoutFromEnvironment(System.getenv()));
        thread = new Thread(this::loop, "sextant-engine");
        thread.setDaemon(true);
        thread.start();
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
                    if (next == null) Thread.onSpinWait();
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
            } catch (InterruptedException e) {
                return;
            }
        }
        if (live != null) closeLive();
        closeCore();
    }

    /** While a live target runs, the engine thread also waits for its ptrace stops (between commands). */
    private boolean pumpLive() {
        try {
            boolean any = live.pump();
            if (live.ended()) closeLive();
            return any;
        } catch (RuntimeException e) {
            emit(new DebugEvent.DiagnosticReported(stopId, new Diagnostic(Severity.ERROR, "live target: " + e.getMessage())));
            closeLive();
            return true;
        }
    }

    private void closeLive() {
        LiveTarget l = live;
        live = null;
        symbols.closeTarget();
        try {
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
            // Not queued behind the command it cancels: the symbol host takes cancels from any thread.
            return (CompletableFuture<R>) symbols.cancel(c.module().map(a -> a.value()));
        }
        queue.add(() -> {
            try {
                Object r = execute(command);
                if (r instanceof Later later) {
                    later.future().whenComplete((v, e) -> {
                        if (e != null) future.completeExceptionally(e instanceof java.util.concurrent.CompletionException c ? c.getCause() : e);
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

    /**
     * Saves an ELF core of live process {@code pid} with {@code writer} (its reason callbacks run on
     * the engine thread): of the live target when it is that process and stopped, else attached
     * for the moment it takes. The future fails with a {@link dev.sextant.engine.api.TargetException}
     * (no such process, not permitted, running) or an {@link java.io.UncheckedIOException}.
     */
    public CompletableFuture<dev.sextant.engine.dump.DumpWriter.Result> saveDump(dev.sextant.engine.api.Pid pid,
            dev.sextant.engine.dump.DumpWriter writer, java.nio.file.Path output, dev.sextant.engine.dump.DumpWriter.Options options) {
        CompletableFuture<dev.sextant.engine.dump.DumpWriter.Result> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(new IllegalStateException("the engine is closed"));
            return future;
        }
        queue.add(() -> {
            try {
                future.complete(live != null && live.tracer().pid() == pid.value()
                        ? LiveDump.save(live.tracer(), writer, output, options)
                        : LiveDump.saveProcess(pid, writer, output, options));
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** A command answered later, by the symbol host's thread. */
    private record Later(CompletableFuture<?> future) {}

    @SuppressWarnings("unchecked")
    private <R> R execute(Command<R> command) {
        if (command instanceof Command.OpenCore open) return (R) openCore(open);
        if (command instanceof Command.LoadSymbols l) return (R) new Later(symbols.load(l.module()));
        if (command instanceof Command.RetrySymbolLoad r) return (R) new Later(symbols.retry(r.module()));
        if (command instanceof Command.SetSymbolPath p) {
            return (R) new Later(symbols.setPath(dev.sextant.engine.symbols.SymbolPath.parse(p.path(), System.getenv())));
        }
        if (command instanceof Command.SetSymbolOptions o) return (R) new Later(symbols.setOptions(o.options()));
        if (command instanceof Command.SetTypeOptions t) {
            if (t.options().equals(typeOptions)) return (R) Boolean.FALSE;
            typeOptions = t.options();
            notifySymbolState(EngineListener.DEBUG_CSS_TYPE_OPTIONS, dev.sextant.engine.api.TypeOption.mask(typeOptions));
            return (R) Boolean.TRUE;
        }
        if (command instanceof Command.FindSymbols f) return (R) new Later(symbols.find(f.pattern()));
        if (command instanceof Command.DescribeAddress d) return (R) new Later(symbols.describe(d.address()));
        if (command instanceof Command.ListCrashes l) return (R) listCrashes(l);
        if (command instanceof Command.StackProcess stack) return (R) LiveTarget.stackSnapshot(stack.pid(), stack.cancellation());
        if (command instanceof Command.CloseTarget) {
            closeCore();
            symbols.closeTarget();
            if (live != null) {
                live.detach();
                closeLive();
            } else {
                emit(new DebugEvent.TargetClosed(stopId));
            }
            return (R) Boolean.TRUE;
        }
        if (command instanceof Command.Attach a) {
            closeCore();
            replaceLive();
            live = LiveTarget.attach(a.pid(), sink);
            symbols.openProcess(a.pid().value());
            return (R) live.processInfo();
        }
        if (command instanceof Command.Launch l) {
            closeCore();
            replaceLive();
            live = LiveTarget.launch(l, sink);
            dev.sextant.engine.api.ProcessInfo info = live.processInfo();
            symbols.openProcess(info.pid().value());
            return (R) info;
        }
        if (command instanceof Command.ReadMemory || command instanceof Command.EvaluateAddress) {
            R result = (R) (live != null ? live.execute(command) : coreMemory(command));
            if (result instanceof dev.sextant.engine.api.MemoryBlock b) emit(new DebugEvent.MemoryRead(stopId, b));
            return result;
        }
        if (live == null) throw new dev.sextant.engine.api.TargetException("no live process: attach or launch one first");
        if (command instanceof Command.Detach) {
            live.detach();
            closeLive();
            return (R) Boolean.TRUE;
        }
        if (command instanceof Command.Kill) {
            live.kill();
            if (live != null) closeLive();
            return (R) Boolean.TRUE;
        }
        R result = (R) live.execute(command);
        if (command instanceof Command.ReadStacks && result instanceof DumpReport r) {
            // Views learn the stopped threads' registers and stacks from events, as for dumps.
            emit(new DebugEvent.ThreadsRefreshed(stopId, r.threads()));
            r.stacks().forEach(st -> emit(new DebugEvent.StackWalked(stopId, st)));
            symbols.framesSeen(pcs(r));
        }
        return result;
    }

    private void replaceLive() {
        if (live == null) return;
        live.detach();
        closeLive();
    }

    private final LiveTarget.Sink sink = new LiveTarget.Sink() {
        @Override public long stopId() { return stopId; }
        @Override public long nextStopId() { return ++stopId; }
        @Override public void emit(DebugEvent event) { EngineThread.this.emit(event); }
        @Override public void changeSymbolState(int flags, long argument) {
            notifySymbolState(flags, argument);
            if ((flags & (EngineListener.DEBUG_CSS_LOADS | EngineListener.DEBUG_CSS_UNLOADS)) != 0) symbols.refreshModules();
        }
    };

    private record Interest(EngineListener listener, int mask) {}

    private final List<Interest> engineListeners = new CopyOnWriteArrayList<>();

    /** ChangeSymbolState to every listener whose mask asks for it; argument 0 when several flags are set. */
    private void notifySymbolState(int flags, long argument) {
        long arg = Integer.bitCount(flags) > 1 ? 0 : argument;
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



    /**
     * What the Memory view reads when a core, not a live process, is the target. The memory image is
     * opened on the first read: the command line opens cores too and never reads them this way.
     */
    private static final class CoreMemory {
        final java.nio.file.Path path;
        final Optional<ThreadInfo> thread;
        dev.sextant.engine.dump.CoreMemoryImage image;

        CoreMemory(java.nio.file.Path path, Optional<ThreadInfo> thread) {
            this.path = path;
            this.thread = thread;
        }

        dev.sextant.engine.dump.CoreMemoryImage image() {
            if (image == null) image = dev.sextant.engine.dump.CoreMemoryImage.open(path);
            return image;
        }
    }

    private Object coreMemory(Command<?> command) {
        if (core == null) throw new dev.sextant.engine.api.TargetException("no memory to read: open an ELF core or attach to a process first");
        if (command instanceof Command.ReadMemory r) return core.image().read(r.start().value(), r.length());
        String expression = ((Command.EvaluateAddress) command).expression();
        return dev.sextant.engine.api.Address.of(AddressExpression.evaluate(expression, name -> core.thread
                .flatMap(t -> t.registers().find(name)).map(reg -> java.util.OptionalLong.of(reg.value())).orElse(java.util.OptionalLong.empty())));
    }

    private void closeCore() {
        if (core != null && core.image != null) core.image.close();
        core = null;
    }

    private DumpReport openCore(Command.OpenCore open) {
        closeCore();
        long id = ++stopId;
        // A compressed core (systemd-coredump's) is decompressed into the core cache first, with progress.
        java.nio.file.Path plain = CoreCache.standard().plain(open.core(),
                (done, total) -> emit(new DebugEvent.ProgressReported(id, "Decompressing core", done, total)), open.cancellation());
        DumpReport report = readCore(id, plain.equals(open.core()) ? open
                : new Command.OpenCore(plain, open.executable(), open.sysroot(), open.cancellation()), open.core());
        if (!MinidumpReader.isMinidump(plain)) {
            Optional<ThreadInfo> crashed = report.threads().stream().filter(ThreadInfo::crashed).findFirst()
                    .or(() -> report.threads().stream().findFirst());
            core = new CoreMemory(plain, crashed);
        }
        return report;
    }

    private DumpReport readCore(long id, Command.OpenCore open, java.nio.file.Path named) {
        String source = named.toString();
        CoreReadListener relay = new CoreReadListener() {
            @Override public void opened(dev.sextant.engine.api.ProcessInfo process,
                                         Optional<dev.sextant.engine.api.SignalInfo> signal, List<ThreadInfo> threads) {
                emit(new DebugEvent.TargetOpened(id, source, "ELF core", process, signal, threads));
            }
            @Override public void module(dev.sextant.engine.api.Module module) { emit(new DebugEvent.ModuleLoaded(id, module)); }
            @Override public void stack(dev.sextant.engine.api.ThreadStack stack) { emit(new DebugEvent.StackWalked(id, stack)); }
            @Override public void diagnostic(Diagnostic d) { emit(new DebugEvent.DiagnosticReported(id, d)); }
            @Override public void progress(long done, long total) {
                emit(new DebugEvent.ProgressReported(id, "Unwinding threads", done, total));
            }
            @Override public void dynamicTable(dev.sextant.engine.api.DynamicTable table) {
                emit(new DebugEvent.DynamicTableChanged(id, table, false));
            }
        };
        if (MinidumpReader.isMinidump(open.core())) return openMinidump(id, open);
        Optional<CrashMetadata> metadata = CrashMetadataReader.read(named);
        // Read under the name the user gave (labels, "beside the core"); the cache hit is free.
        DumpReport report = ElfCoreReader.read(named, new CoreOptions(open.executable(), open.sysroot()), relay, open.cancellation())
                .withOrigin(named, metadata);
        metadata.ifPresent(m -> emit(new DebugEvent.CrashMetadataRead(id, m)));
        if (!listeners.isEmpty()) {
            // Deferred loading: the walked frames are the first need of their modules' symbols.
            symbols.openCore(named, open.executable());
            symbols.framesSeen(pcs(report));
        }
        if (!listeners.isEmpty()) summarize(id, DumpOverview.ofElfCore(report, open.core()));
        return report;
    }

    /** The crash inbox; the batch's workers run beside this thread, which reports their progress. */
    private dev.sextant.engine.api.CrashInbox listCrashes(Command.ListCrashes l) {
        long id = stopId;     // not a new target: the current one's events stay current
        return dev.sextant.engine.dump.CrashInboxReader.read(l.directories(), l.since(), l.signatures(), l.cancellation(),
                (done, total) -> emit(new DebugEvent.ProgressReported(id, "Crash signatures", done, total)));
    }

    private static long[] pcs(DumpReport r) {
        return r.stacks().stream().flatMap(st -> st.frames().stream()).mapToLong(f -> f.pc().value()).distinct().toArray();
    }

    private DumpReport openMinidump(long id, Command.OpenCore open) {
        open.cancellation().throwIfCancelled();
        DumpOverview o = MinidumpReader.read(open.core(), new CoreOptions(open.executable(), open.sysroot()));
        DumpReport r = o.report();
        emit(new DebugEvent.TargetOpened(id, open.core().toString(), r.format(), r.process(), r.signal(), r.threads()));
        r.diagnostics().forEach(d -> emit(new DebugEvent.DiagnosticReported(id, d)));
        r.modules().forEach(m -> emit(new DebugEvent.ModuleLoaded(id, m)));
        int done = 0;
        for (var st : r.stacks()) {
            emit(new DebugEvent.StackWalked(id, st));
            emit(new DebugEvent.ProgressReported(id, "Walking stacks", ++done, r.stacks().size()));
        }
        summarize(id, o);
        return r;
    }

    /** Decoded renderings are bounded: a view shows the start of a big blob, the command line prints all of it. */
    private static final int MAX_DECODED = 64 * 1024;

    private void summarize(long id, DumpOverview o) {
        if (listeners.isEmpty()) return;        // nobody to show it to (the command line): do not decode thousands of notes
        emit(new DebugEvent.CrashSummarized(id, o.os(), o.cpu(), o.crash()));
        List<DumpData> items = new java.util.ArrayList<>(o.secondaryData().size());
        for (SecondaryData d : o.secondaryData()) {
            String text = d.decode().render();
            if (text.length() > MAX_DECODED) text = text.substring(0, MAX_DECODED) + "\n… (" + d.size() + " bytes in all)";
            items.add(new DumpData(d.tag(), d.name(), d.component(), d.size(), text));
        }
        emit(new DebugEvent.DumpDataListed(id, items));
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
        queue.add(() -> running = false);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
