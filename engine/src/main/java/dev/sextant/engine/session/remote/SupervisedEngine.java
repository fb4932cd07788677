package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.TargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;

/**
 * The window's engine: a {@link ChildEngine}, replaced when its process ends by itself (a native
 * fault, a signal). The listeners move to the new engine, the settings the window made (symbol
 * path and options, type options, stop policy) are sent again, a file target is reopened, and a
 * live target is reported lost; each loss completes {@link #nextLoss()}.
 */
public final class SupervisedEngine implements Engine {
    private final Listeners<DebugListener> listeners = new Listeners<>(ChildEngine::addListener, ChildEngine::removeListener);
    private final Listeners<EngineListener> engineListeners =
            new Listeners<>(ChildEngine::addEngineListener, ChildEngine::removeEngineListener);
    private final Map<Class<?>, Command<?>> settings = new LinkedHashMap<>();   // guarded by this
    private final LongFunction<ChildEngine> starter;
    private volatile ChildEngine child;
    private volatile boolean closing;
    private Optional<Command.OpenCore> fileTarget = Optional.empty();           // guarded by this
    private Optional<Live> live = Optional.empty();                             // guarded by this
    private CompletableFuture<EngineLoss> nextLoss = new CompletableFuture<>(); // guarded by this
    /** Commands given before the first engine process was started, sent by {@link #start}. */
    private final List<Waiting<?>> waiting = new ArrayList<>();                  // guarded by this

    /** Why the first engine process could not be started, if it could not. */
    private TargetException notStarted;                                          // guarded by this

    private record Waiting<R>(Command<R> command, CompletableFuture<R> answer) {}

    private record Live(long pid, boolean launched) {}

    /** Listeners of one kind: registered with the engine process now serving, and kept to register with the next. */
    private final class Listeners<L> {
        private final List<L> kept = new CopyOnWriteArrayList<>();
        private final BiConsumer<ChildEngine, L> add;
        private final BiConsumer<ChildEngine, L> remove;

        Listeners(BiConsumer<ChildEngine, L> add, BiConsumer<ChildEngine, L> remove) {
            this.add = add;
            this.remove = remove;
        }

        void add(L listener) {
            synchronized (SupervisedEngine.this) {      // not while start() registers the kept ones
                kept.add(listener);
                if (child != null) add.accept(child, listener);
            }
        }

        void remove(L listener) {
            synchronized (SupervisedEngine.this) {
                kept.remove(listener);
                if (child != null) remove.accept(child, listener);
            }
        }

        void registerWith(ChildEngine c) { kept.forEach(l -> add.accept(c, l)); }
    }

    /** Starts the first engine process; returns at once. */
    public SupervisedEngine() {
        this(ChildEngine::start);
    }

    /** Engine processes started by {@code starter} (given the stop id to go on after). */
    SupervisedEngine(LongFunction<ChildEngine> starter) {
        this(starter, true);
    }

    private SupervisedEngine(LongFunction<ChildEngine> starter, boolean now) {
        this.starter = starter;
        if (now) start();
    }

    /**
     * An engine whose first process starts at {@link #start} (or {@link #startWithin}): commands given
     * before wait for it. The window starts it after its first frame, so that a second JVM starting
     * does not take the CPU the window's first frame needs.
     */
    public static SupervisedEngine startingLater() {
        return new SupervisedEngine(ChildEngine::start, false);
    }

    /** Starts the first engine process {@code latest} from now if nobody has started it by then. */
    public void startWithin(Duration latest) {
        CompletableFuture.runAsync(this::start, CompletableFuture.delayedExecutor(latest.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Starts the first engine process, and sends the commands given before (in their order), unless it was started or closed already. */
    public synchronized void start() {
        if (child != null || closing || notStarted != null) return;
        try {
            adopt(starter.apply(0));
        } catch (TargetException e) {
            notStarted = e;
            waiting.forEach(w -> w.answer().completeExceptionally(e));
            waiting.clear();
            throw e;
        }
        waiting.forEach(this::send);
        waiting.clear();
    }

    private <R> void send(Waiting<R> w) {
        submitNow(w.command()).whenComplete((r, e) -> {
            if (e != null) w.answer().completeExceptionally(e);
            else w.answer().complete(r);
        });
    }

    /** The engine process now serving (tests kill it); null before {@link #start}. */
    public ChildEngine current() { return child; }

    /** Completes at the next loss of the engine process (after the new one was started). */
    public synchronized CompletableFuture<EngineLoss> nextLoss() { return nextLoss; }

    private void adopt(ChildEngine c) {
        child = c;
        c.addListener(this::watch);
        listeners.registerWith(c);
        engineListeners.registerWith(c);
        c.exited().thenAccept(exit -> ended(c, exit));
    }

    private void watch(DebugEvent e) {
        if (e instanceof DebugEvent.ProcessExited) {
            synchronized (this) { live = Optional.empty(); }
        }
    }

    @Override public <R> CompletableFuture<R> submit(Command<R> command) {
        synchronized (this) {
            if (child == null) {
                CompletableFuture<R> later = new CompletableFuture<>();
                if (closing || notStarted != null) later.completeExceptionally(notStarted != null ? notStarted : closedEarly());
                else waiting.add(new Waiting<>(command, later));
                return later;
            }
        }
        return submitNow(command);
    }

    private static TargetException closedEarly() {
        return new TargetException("the engine was closed before its process started");
    }

    private <R> CompletableFuture<R> submitNow(Command<R> command) {
        CompletableFuture<R> f = child.submit(command);
        f.thenAccept(answer -> track(command, answer));
        return f;
    }

    private synchronized void track(Command<?> command, Object answer) {
        if (command instanceof Command.OpenCore o) {
            fileTarget = Optional.of(o);
            live = Optional.empty();
        } else if (command instanceof Command.CloseTarget) {
            fileTarget = Optional.empty();
            live = Optional.empty();
        } else if (command instanceof Command.Attach a) {
            fileTarget = Optional.empty();
            live = Optional.of(new Live(a.pid().value(), false));
        } else if (command instanceof Command.Launch && answer instanceof ProcessInfo p) {
            fileTarget = Optional.empty();
            live = Optional.of(new Live(p.pid().value(), true));
        } else if (command instanceof Command.Detach || command instanceof Command.Kill) {
            live = Optional.empty();
        } else if (command instanceof Command.SetSymbolPath || command instanceof Command.SetSymbolOptions
                || command instanceof Command.SetTypeOptions || command instanceof Command.SetStopPolicy) {
            settings.put(command.getClass(), command);
        }
    }

    private void ended(ChildEngine dead, ChildExit exit) {
        EngineLoss loss;
        CompletableFuture<EngineLoss> done;
        synchronized (this) {
            if (closing || dead != child) return;
            if ((!dead.ready().isDone() || dead.ready().isCompletedExceptionally()) && dead.startedWithArchive()) {
                // its start-up archive (or recording one) broke its JVM: the same start without any (see EngineArchive.failedToStart)
                adopt(starter.apply(dead.lastStopId()));
                return;
            }
            Optional<Command<?>> doing = dead.oldestInFlight();
            Optional<Path> file = fileTarget.map(Command.OpenCore::core);
            Optional<String> lost = live.map(SupervisedEngine::describeLost);
            boolean wasReady = dead.ready().isDone() && !dead.ready().isCompletedExceptionally();
            boolean reopen = fileTarget.isPresent() && !(doing.isPresent() && doing.get() instanceof Command.OpenCore o && o.core().equals(file.get()));
            Optional<CompletableFuture<?>> reopened = Optional.empty();
            if (wasReady) {
                long stop = dead.lastStopId() + 1;
                // a live target is gone for the views; a file target stays shown until it is open again
                if (live.isPresent() || (fileTarget.isPresent() && !reopen)) {
                    DebugEvent closed = new DebugEvent.TargetClosed(stop);
                    listeners.kept.forEach(l -> l.onEvent(closed));
                }
                adopt(starter.apply(stop));
                settings.values().forEach(child::submit);
                if (reopen) {
                    Command.OpenCore o = fileTarget.get();
                    reopened = Optional.of(submit(new Command.OpenCore(o.core(), o.executable(), o.sysroot(), new Cancellation())));
                }
            }
            if (!reopen) fileTarget = Optional.empty();
            live = Optional.empty();
            loss = new EngineLoss(exit, doing.map(SupervisedEngine::describe), file, lost, wasReady, reopened);
            done = nextLoss;
            nextLoss = new CompletableFuture<>();
        }
        done.complete(loss);
    }

    private static String describeLost(Live l) {
        boolean alive = ProcessHandle.of(l.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (l.launched()) {
            return "The program it launched (pid " + l.pid() + ") " + (alive ? "still runs, without the debugger" : "ended with it")
                    + ": launch it again to debug it.";
        }
        return "The process it was attached to (pid " + l.pid() + ") was detached"
                + (alive ? " and runs on" : " and is gone") + ": attach again to debug it.";
    }

    /** A command as a banner names it: its type and the file it works on, if any. */
    static String describe(Command<?> c) {
        String name = c.getClass().getSimpleName();
        if (c instanceof Record r) {
            for (var rc : r.getClass().getRecordComponents()) {
                try {
                    if (rc.getAccessor().invoke(r) instanceof Path p) return name + " (" + p + ")";
                } catch (ReflectiveOperationException e) {
                    break;
                }
            }
        }
        return name;
    }

    @Override public void addListener(DebugListener listener) { listeners.add(listener); }

    @Override public void removeListener(DebugListener listener) { listeners.remove(listener); }

    @Override public void addEngineListener(EngineListener listener) { engineListeners.add(listener); }

    @Override public void removeEngineListener(EngineListener listener) { engineListeners.remove(listener); }

    @Override public void close() {
        ChildEngine c;
        synchronized (this) {
            closing = true;
            c = child;
            waiting.forEach(w -> w.answer().completeExceptionally(closedEarly()));
            waiting.clear();
        }
        if (c != null) c.close();
    }
}
