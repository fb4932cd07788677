package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.AddressInfo;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.ModuleSymbols;
import dev.sextant.engine.api.SearchStep;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.SymbolHit;
import dev.sextant.engine.api.SymbolLoadStatus;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.source.SourceLocator;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.symbols.SymbolEvent;
import dev.sextant.engine.symbols.SymbolHandler;
import dev.sextant.engine.symbols.SymbolPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The {@link SymbolHandler} of the engine's open target, on a thread of its own.
 * <p>
 * Why a second thread: a debuginfod download runs inside libdwfl's {@code find_debuginfo}
 * callback and may take minutes; on the engine thread it would stall ptrace, stepping and every
 * command. The handler opens its own libdwfl session (the core, or a live process's modules from
 * /proc without ptrace), so that session has one owner, this thread, and the engine's own session
 * is untouched. The engine thread only enqueues work here; results come back to it through
 * {@link Sink} and reach listeners from there, as every event does.
 * <p>
 * Loads are queued one module at a time, so cancels, path and option changes overtake a long
 * queue. A running download is cancelled through the handler's {@code CBA_DEFERRED_SYMBOL_LOAD_CANCEL}
 * query, which the host answers from the set of modules the user cancelled. Commands that only
 * change the queue (load, retry, cancel) are answered without waiting for the running load: it may
 * be another module's download of minutes (a retried module used to wait for the next module's).
 */
final class SymbolHost implements AutoCloseable {

    /** Where the host's results go; any thread may call it (the engine re-posts to its own thread). */
    interface Sink {
        /** An event, built with the engine's current stop id. */
        void emit(LongFunction<DebugEvent> event);
        void changeSymbolState(int flags, long argument);
    }

    private final Sink sink;
    private final BlockingQueue<Runnable> control = new LinkedBlockingQueue<>();
    private final LinkedHashSet<Long> pending = new LinkedHashSet<>();   // guarded by itself: module bases waiting to load
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long loading = -1;        // base of the module whose load runs now, or -1
    private long needLoad = -1;                // guarded by pending: loading, when the handler started it for a need of its own
    private volatile int queuedTotal, queuedDone;
    private final java.util.concurrent.atomic.AtomicBoolean refreshQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final Set<Long> retries = ConcurrentHashMap.newKeySet();   // queued bases whose symbols are forgotten before they load
    private final AtomicLong jobsPosted = new AtomicLong(), jobsDone = new AtomicLong();
    // The handler's modules as they were after the last job or load (empty: no target); written on the symbol thread.
    private volatile Optional<List<ModuleSymbols>> listing = Optional.empty();
    // Which target an event belongs to: the engine thread counts targets (each open or close), the symbol
    // thread notes the one its handler serves. An event of another than the engine's is dropped there:
    // a load of the last core that ends after the next dump opened must not report into that dump.
    private volatile int target, handlerTarget;

    // Symbol thread only:
    private SymbolHandler handler;
    private SymbolPath path;
    private Set<SymbolOption> options;
    private final Duration timeout;
    private final SourceLocator sources;   // symbol thread only, as its debuginfod clients
    private final Map<Long, SymbolLoadStatus> published = new HashMap<>();
    private final Map<Long, Integer> percent = new HashMap<>();

    SymbolHost(Sink engine, SymbolPath path, Set<SymbolOption> options, Duration timeout) {
        this.sink = new Sink() {
            @Override public void emit(LongFunction<DebugEvent> event) {
                int of = handlerTarget;
                engine.emit(id -> of == target ? event.apply(id) : null);
            }
            @Override public void changeSymbolState(int flags, long argument) { engine.changeSymbolState(flags, argument); }
        };
        this.path = path;
        this.options = Set.copyOf(options);
        this.timeout = timeout;
        this.sources = new SourceLocator(timeout);
        thread = new Thread(this::loop, "sextant-symbols");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Runnable job = control.poll();
                if (job == null) {
                    Long base = nextPending();
                    if (base != null) {
                        loadOne(base);
                        continue;
                    }
                    job = control.poll(1, TimeUnit.SECONDS);
                    if (job == null) continue;
                }
                try {
                    job.run();
                } finally {
                    refreshListing();
                    jobsDone.incrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                sink.emit(id -> new DebugEvent.DiagnosticReported(id, new Diagnostic(Severity.ERROR, "symbols: " + e.getMessage())));
            }
        }
        closeHandler();
        sources.close();
    }

    private Long nextPending() {
        synchronized (pending) {
            var it = pending.iterator();
            if (!it.hasNext()) return null;
            Long b = it.next();
            it.remove();
            loading = b;
            return b;
        }
    }

    /** Work answered through the future: a failure goes to the caller only. */
    private <T> CompletableFuture<T> post(java.util.function.Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        addJob(() -> {
            try {
                f.complete(work.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Work nobody waits for: a failure becomes a diagnostic (the loop reports it). */
    private void run(Runnable work) {
        addJob(work);
    }

    private void addJob(Runnable job) {
        jobsPosted.incrementAndGet();
        control.add(job);
    }

    /**
     * A queue command's answer, from {@link #listing} and the queue only: on the caller's thread when
     * every job posted before it has run (the listing is then the handler's, whatever load is
     * running), else as a job after them (an open still to run lists other modules).
     */
    private <T> CompletableFuture<T> answer(java.util.function.Supplier<T> work) {
        if (jobsDone.get() != jobsPosted.get()) return post(work);
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void refreshListing() {
        listing = handler == null ? Optional.empty() : Optional.of(handler.modules());
    }

    private List<ModuleSymbols> listed() {
        return listing.orElseThrow(SymbolHost::noTarget);
    }

    // ---- target ----------------------------------------------------------------------------------

    /** A core was opened (read from {@code plain}, its decompressed copy when compressed): list its modules (deferred), load none yet. */
    void openCore(Path core, Path plain, Optional<Path> exe) {
        clearQueue();
        int g = ++target;
        run(() -> open(g, h -> h.openCore(core, plain, exe)));
    }

    /** A live process became the target. */
    void openProcess(int pid) {
        clearQueue();
        int g = ++target;
        run(() -> open(g, h -> h.openProcess(pid)));
    }

    /** The live process's modules changed (LOADS / UNLOADS). */
    void refreshModules() {
        // A dlopen storm raises a LOADS per library: one re-read of /proc/PID/maps covers all that came before it.
        if (!refreshQueued.compareAndSet(false, true)) return;
        run(() -> {
            refreshQueued.set(false);
            if (handler == null) return;
            SymbolHandler.Changes c = handler.refreshModules();
            for (ModuleSymbols m : c.removed()) {
                published.remove(m.base().value());
                logLoad(Severity.INFO, m.name(), "module unloaded from " + m.base());
            }
            for (ModuleSymbols m : c.added()) {
                logLoad(Severity.INFO, m.name(), "module loaded at " + m.base() + ", symbols " + (m.status() == SymbolStatus.DEFERRED
                        ? "deferred (read when a frame, a search or Load needs them)" : m.status().name().toLowerCase(java.util.Locale.ROOT)));
            }
            publish();
        });
    }

    /** The target is closed, or another kind (a minidump) opened: the handler closes, its running load is cancelled. Engine thread. */
    void closeTarget() {
        clearQueue();
        int g = ++target;
        run(() -> {
            closeHandler();
            handlerTarget = g;
        });
    }

    private void open(int g, java.util.function.Consumer<SymbolHandler> how) {
        closeHandler();
        handlerTarget = g;
        handler = new SymbolHandler(path, options, timeout);
        handler.registerCallback(this::onSymbolEvent, this);
        handler.addStateListener(new SymbolHandler.StateListener() {
            @Override public void pathsChanged(SymbolPath p) { sink.changeSymbolState(EngineListener.DEBUG_CSS_PATHS, 0); }
            @Override public void optionsChanged(Set<SymbolOption> o) {
                sink.changeSymbolState(EngineListener.DEBUG_CSS_SYMBOL_OPTIONS, SymbolOption.mask(o));
            }
        });
        how.accept(handler);
        publish();
    }

    private void closeHandler() {
        if (handler != null) {
            handler.close();
            handler = null;
        }
        published.clear();
        percent.clear();
    }

    private void clearQueue() {
        synchronized (pending) {
            pending.clear();
            queuedTotal = queuedDone = 0;
        }
        retries.clear();
        cancelled.clear();
        cancelAllRunning();
    }

    private void cancelAllRunning() {
        long b = loading;
        if (b != -1) cancelled.add(b);
    }

    // ---- loads -----------------------------------------------------------------------------------

    /** Queues the module at (or containing) {@code address}, or every deferred module. Answers how many were queued. */
    CompletableFuture<Integer> load(Optional<Address> address) {
        return answer(() -> {
            List<ModuleSymbols> modules = listed();
            List<Long> bases = new ArrayList<>();
            for (ModuleSymbols m : modules) {
                boolean wanted = address.isEmpty() ? m.status() == SymbolStatus.DEFERRED
                        : contains(m, address.get().value()) && m.status() != SymbolStatus.LOADED;
                if (wanted) bases.add(m.base().value());
            }
            if (address.isPresent() && bases.isEmpty()) moduleAt(modules, address.get());
            return enqueue(bases);
        });
    }

    private static ModuleSymbols moduleAt(List<ModuleSymbols> modules, Address address) {
        return modules.stream().filter(m -> contains(m, address.value())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no module at " + address));
    }

    /** Frames were walked in these modules: load those still deferred (deferred loading's first need). */
    void framesSeen(long[] pcs) {
        run(() -> {
            if (handler == null) return;
            List<Long> bases = new ArrayList<>();
            for (ModuleSymbols m : handler.modules()) {
                if (m.status() != SymbolStatus.DEFERRED) continue;
                for (long pc : pcs) {
                    if (contains(m, pc)) {
                        bases.add(m.base().value());
                        break;
                    }
                }
            }
            enqueue(bases);
        });
    }

    private int enqueue(List<Long> bases) {
        int added = 0;
        synchronized (pending) {
            if (pending.isEmpty() && loading == -1) queuedTotal = queuedDone = 0;
            for (Long b : bases) {
                if (b == loading) continue;     // running: a cancel of it stands (a load answered at once may come while it runs)
                cancelled.remove(b);
                if (pending.add(b)) added++;
            }
            queuedTotal += added;
        }
        if (added > 0) progress();      // "0 of N" while the first load runs: the queue is seen before a load ends
        return added;
    }

    /** Queues {@code base} first (a user's retry goes before the loads frames asked for); true when it was not queued yet. */
    private boolean enqueueFirst(long base) {
        boolean added;
        synchronized (pending) {
            if (pending.isEmpty() && loading == -1) queuedTotal = queuedDone = 0;
            // a running load of it that the user cancelled stays cancelled: the retry loads it again after
            if (base != loading) cancelled.remove(base);
            List<Long> rest = new ArrayList<>(pending);
            added = !rest.remove(base);
            pending.clear();
            pending.add(base);
            pending.addAll(rest);
            if (added) queuedTotal++;
        }
        if (added) progress();
        return added;
    }

    private static boolean contains(ModuleSymbols m, long a) {
        return Long.compareUnsigned(a, m.base().value()) >= 0 && Long.compareUnsigned(a, m.end().value()) < 0;
    }

    /** Cancels one module's load (running or queued), or all. Any thread. Answers whether one was found. */
    CompletableFuture<Boolean> cancel(Optional<Long> base) {
        boolean found = false;
        List<Long> dropped = new ArrayList<>();
        synchronized (pending) {
            if (base.isEmpty()) {
                dropped.addAll(pending);
                pending.clear();
            } else if (pending.remove(base.get())) {
                dropped.add(base.get());
            }
            queuedDone += dropped.size();
        }
        retries.removeAll(dropped);
        found = !dropped.isEmpty();
        long now = loading;
        if (now != -1 && (base.isEmpty() || base.get() == now)) {
            cancelled.add(now);     // the handler's cancel query answers true from now on
            found = true;
        }
        // Modules that never started go back to deferred: their symbols load at the next need.
        run(() -> {
            for (Long b : dropped) publishOne(b, true);
            progress();
        });
        return CompletableFuture.completedFuture(found);
    }

    /**
     * Forgets a module's symbols and loads them again, first in the queue (after the running load,
     * which may be this module's own: it loads again then). Answers whether it was not queued yet.
     */
    CompletableFuture<Boolean> retry(Address address) {
        return answer(() -> {
            long base = moduleAt(listed(), address).base().value();
            retries.add(base);
            return enqueueFirst(base);
        });
    }

    private void loadOne(long base) {
        try {
            if (handler == null || cancelled.remove(base)) {
                retries.remove(base);
                return;
            }
            percent.remove(base);
            if (retries.remove(base)) {
                handler.module(Address.of(base)).filter(m -> m.status() != SymbolStatus.DEFERRED).ifPresent(m -> handler.unload(m.base()));
                publish();
            }
            handler.loadSymbols(Address.of(base));
        } finally {
            cancelled.remove(base);
            percent.remove(base);
            publish();
            refreshListing();       // before the load is over for queue commands answered at once
            synchronized (pending) {
                loading = -1;
                queuedDone++;
            }
            progress();
        }
    }

    private void progress() {
        int total, done;
        synchronized (pending) {
            total = queuedTotal;
            done = Math.min(queuedDone, total);
        }
        if (total == 0) return;
        sink.emit(id -> new DebugEvent.ProgressReported(id, "Loading symbols", done, total));
    }

    // ---- path and options ------------------------------------------------------------------------

    CompletableFuture<String> setPath(SymbolPath newPath) {
        return post(() -> {
            path = newPath;
            if (handler != null) handler.setPath(newPath);
            else sink.changeSymbolState(EngineListener.DEBUG_CSS_PATHS, 0);
            return newPath.toString();
        });
    }

    CompletableFuture<Boolean> setOptions(Set<SymbolOption> newOptions) {
        return post(() -> {
            options = Set.copyOf(newOptions);
            if (handler != null) handler.setOptions(options);
            else sink.changeSymbolState(EngineListener.DEBUG_CSS_SYMBOL_OPTIONS, SymbolOption.mask(options));
            return true;
        });
    }

    /** Symbols matching {@code pattern} (WinDbg's {@code x}), on the symbol thread: it may load symbols. */
    CompletableFuture<List<SymbolHit>> find(String pattern) {
        return post(() -> {
            requireTarget();
            List<SymbolHit> out = new ArrayList<>();
            for (var m : handler.find(pattern)) out.add(new SymbolHit(m.module(), m.name(), m.address(), m.size()));
            out.sort(java.util.Comparator.comparing(h -> h.address().value(), Long::compareUnsigned));
            publish();      // the modules it loaded
            return List.copyOf(out.subList(0, Math.min(out.size(), Command.FindSymbols.MAX_HITS)));
        });
    }

    /**
     * A source file's text (on the symbol thread: the search may load the module's symbols for its
     * compilation directory, and a debuginfod download may take long). Downloads report progress
     * as {@code ProgressReported} and stop when {@code c.cancellation()} is cancelled.
     */
    CompletableFuture<dev.sextant.engine.api.SourceText> locateSource(dev.sextant.engine.api.Command.LocateSource c,
            List<dev.sextant.engine.api.SourceSubstitution> subs) {
        return post(() -> {
            SourceLocator.Context ctx = SourceLocator.Context.NONE;
            if (handler != null) {
                Optional<ModuleSymbols> m = handler.module(c.pc());
                Optional<String> dir = m.isPresent() ? handler.compDir(c.pc()) : Optional.empty();
                publish();
                ctx = new SourceLocator.Context(dir, m.flatMap(ModuleSymbols::file).map(Path::of), m.flatMap(ModuleSymbols::buildId));
            }
            List<SymbolPath.Debuginfod> servers = options.contains(SymbolOption.DEBUGINFOD)
                    ? path.entries().stream().filter(e -> e instanceof SymbolPath.Debuginfod).map(e -> (SymbolPath.Debuginfod) e).toList()
                    : List.of();
            String task = "Downloading " + SourceLocator.baseNameOf(c.file());
            return sources.locate(c.file(), ctx, subs, servers,
                    (done, total) -> sink.emit(id -> new DebugEvent.ProgressReported(id, task, done, total)), c.cancellation());
        });
    }

    /** Registers of one frame of a core's thread (the handler's session unwinds the core). */
    CompletableFuture<Optional<dev.sextant.engine.elfutils.RecoveredFrame>> frameRegisters(int tid, int row) {
        return post(() -> {
            requireTarget();
            return handler.frameRegisters(tid, row);
        });
    }

    /** {@code ln}: what is at {@code address}, as one line (on the symbol thread: it may load symbols). */
    CompletableFuture<String> describe(Address address) {
        return post(() -> {
            requireTarget();
            AddressInfo i = handler.lookup(address);
            publish();
            StringBuilder b = new StringBuilder(address.toString()).append(": ");
            if (i.module().isEmpty()) return b.append("in no module").toString();
            b.append(i.module().get()).append('!').append(i.symbol().orElse("?"));
            if (i.symbol().isPresent() && i.offset() != 0) b.append("+0x").append(Long.toHexString(i.offset()));
            if (i.file().isPresent()) {
                b.append(" at ").append(i.file().get());
                if (i.line().isPresent()) b.append(':').append(i.line().getAsInt());
            }
            for (var in : i.inlines()) {
                b.append("; inlined ").append(in.function().orElse("?"));
                if (in.file().isPresent()) b.append(" at ").append(in.file().get()).append(in.line().isPresent() ? ":" + in.line().getAsInt() : "");
            }
            return b.toString();
        });
    }

    private void requireTarget() {
        if (handler == null) throw noTarget();
    }

    private static TargetException noTarget() {
        return new TargetException("no target: open a dump or attach to a process first");
    }

    // ---- callbacks to events ---------------------------------------------------------------------

    /** The handler's symbol callback (symbol thread): states and log lines become events; answers cancel queries. */
    private boolean onSymbolEvent(SymbolEvent e, Object context) {
        if (e instanceof SymbolEvent.DeferredLoadCancel q) {
            return cancelled.contains(q.base().value());
        } else if (e instanceof SymbolEvent.DeferredLoadStart s) {
            long b = s.base().value();
            percent.remove(b);
            // A load the handler starts for a need of its own (the unwinder wants .debug_frame, a
            // lookup wants a symbol) shows its progress and can be cancelled like a queued one.
            synchronized (pending) {
                if (loading == -1) {
                    loading = b;
                    needLoad = b;
                }
            }
            publishLoading(b, OptionalInt.empty());
        } else if (e instanceof SymbolEvent.Message m) {
            if (m.percent().isPresent() && loading != -1) {
                // The handler raises one message per percent step: one status event each, at most 101 per download.
                long b = loading;
                Integer old = percent.put(b, m.percent().getAsInt());
                if (old == null || old != m.percent().getAsInt()) publishLoading(b, m.percent());
            }
            sink.emit(id -> new DebugEvent.SymbolLoadLogged(id, m.severity(), m.module(), m.text(), false));
        } else if (e instanceof SymbolEvent.DeferredLoadComplete c) {
            endNeedLoad(c.base().value());
            String from = c.source().label() + c.symbolFile().map(f -> " (" + f + ")").orElse("");
            logLoad(Severity.INFO, c.module(), "symbols loaded from " + from + ": " + c.symbolCount() + " symbols"
                    + (c.lineInfo() ? ", line info" : ", no line info"));
        } else if (e instanceof SymbolEvent.DeferredLoadPartial p) {
            endNeedLoad(p.base().value());
            logLoad(Severity.WARNING, p.module(), "partial symbols from " + p.source().label() + ": " + p.symbolCount()
                    + " symbols; " + p.reason());
        } else if (e instanceof SymbolEvent.DeferredLoadFailure f) {
            endNeedLoad(f.base().value());
            logLoad(f.cancelled() ? Severity.INFO : Severity.ERROR, f.module(), f.cancelled() ? "symbol load cancelled" : "no symbols: " + f.reason());
        } else if (e instanceof SymbolEvent.SymbolsUnloaded u) {
            logLoad(Severity.INFO, u.module(), "symbols unloaded");
        } else if (e instanceof SymbolEvent.DebugInfo d) {
            sink.emit(id -> new DebugEvent.SymbolLoadLogged(id, Severity.INFO, d.module(), d.text(), true));
        } else if (e instanceof SymbolEvent.DuplicateSymbol d) {
            sink.emit(id -> new DebugEvent.SymbolLoadLogged(id, Severity.WARNING, Optional.empty(),
                    "duplicate symbol " + d.name() + " in " + d.matches().stream().map(x -> x.module() + " at " + x.address()).toList(), false));
        }
        return false;
    }

    /** The end of a load the handler started for a need of its own: the next one may start. */
    private void endNeedLoad(long b) {
        synchronized (pending) {
            if (needLoad != b) return;
            needLoad = -1;
            loading = -1;
        }
        cancelled.remove(b);
        percent.remove(b);
    }

    /** One row of the symbol load log per load, whatever the Debug option: what was loaded, from where, or why not. */
    private void logLoad(Severity severity, String module, String text) {
        sink.emit(id -> new DebugEvent.SymbolLoadLogged(id, severity, Optional.of(module), text, false));
    }

    private void publishLoading(long base, OptionalInt pct) {
        SymbolLoadStatus was = published.get(base);
        if (was == null && handler != null) was = handler.module(Address.of(base)).map(SymbolHost::status).orElse(null);
        if (was == null) return;
        SymbolLoadStatus now = new SymbolLoadStatus(was.module(), was.base(), SymbolStatus.LOADING, pct, Optional.empty(),
                Optional.empty(), 0, false, Optional.empty(), List.of());
        published.put(base, now);
        sink.emit(id -> new DebugEvent.SymbolStatusChanged(id, now));
    }

    /** Emits the states that changed since the last call (symbol thread). */
    private void publish() {
        if (handler == null) return;
        for (ModuleSymbols m : handler.modules()) {
            SymbolLoadStatus s = status(m);
            if (!s.equals(published.get(m.base().value()))) {
                published.put(m.base().value(), s);
                sink.emit(id -> new DebugEvent.SymbolStatusChanged(id, s));
            }
        }
    }

    private void publishOne(long base, boolean force) {
        if (handler == null) return;
        handler.module(Address.of(base)).ifPresent(m -> {
            SymbolLoadStatus s = status(m);
            if (force || !s.equals(published.get(base))) {
                published.put(base, s);
                sink.emit(id -> new DebugEvent.SymbolStatusChanged(id, s));
            }
        });
    }

    static SymbolLoadStatus status(ModuleSymbols m) {
        List<String> places = m.searched().stream().map(SymbolHost::describe).toList();
        return new SymbolLoadStatus(m.name(), m.base(), m.status(), OptionalInt.empty(), m.source().map(s -> s.label()),
                m.symbolFile(), m.symbolCount(), m.lineInfo(), m.reason(), places);
    }

    private static String describe(SearchStep s) {
        return s.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + s;
    }

    @Override public void close() {
        running = false;
        cancelAllRunning();
        addJob(() -> { });
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
