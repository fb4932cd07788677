package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link Engine} in a child process ({@link EngineServer}): commands go down its stdin, answers
 * and events come up its stdout and are read by one thread, which calls the listeners as the
 * engine thread would (in order; a listener that throws is removed and reported). A cancellation
 * token in a command is watched here and crosses as a cancel message. When the process ends, every
 * command in flight fails and {@link #exited()} completes.
 */
public final class ChildEngine implements Engine {
    private final Process process;
    private final EngineProcesses.Launch launch;
    private final Frames out;
    private final Thread reader;
    private final Map<Long, Pending> pending = new LinkedHashMap<>();   // guarded by itself; in submission order
    private final AtomicLong ids = new AtomicLong();
    private final List<DebugListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Interest> engineListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ChildExit> exited = new CompletableFuture<>();
    private final CompletableFuture<Long> hello = new CompletableFuture<>();
    private volatile long lastStopId;
    private volatile boolean closing;

    private record Pending(Command<?> command, CompletableFuture<Object> future, List<Cancellation> tokens) {}

    private record Interest(EngineListener listener, int mask) {}

    private ChildEngine(EngineProcesses.Launch launch, long stopIdsAfter) {
        this.launch = launch;
        this.process = launch.process();
        this.lastStopId = stopIdsAfter;
        this.out = new Frames(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        reader = new Thread(this::read, "sextant-engine-pipe-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts an engine process; its stop ids continue after {@code stopIdsAfter}. Returns at once (the JVM starts meanwhile). */
    public static ChildEngine start(long stopIdsAfter) {
        return start(stopIdsAfter, System.getProperty("java.class.path"), EngineProcesses.cacheDir());
    }

    /** An engine process on this class path, with its error reports and start-up archive in this cache directory. */
    static ChildEngine start(long stopIdsAfter, String classPath, Path cache) {
        try {
            return new ChildEngine(EngineProcesses.start(stopIdsAfter, classPath, cache), stopIdsAfter);
        } catch (IOException e) {
            throw new TargetException("cannot start the engine process: " + e.getMessage());
        }
    }

    public long pid() { return process.pid(); }

    /** Whether the process was started from a start-up archive ({@link EngineArchive}). */
    boolean startedFromArchive() { return launch.archive().map(EngineArchive::used).orElse(false); }

    /** Whether the process was started with a start-up archive's options (from it, or recording it). */
    boolean startedWithArchive() { return launch.archive().map(EngineArchive::involved).orElse(false); }

    /** Completes when the process has ended, by itself or by {@link #close()}. */
    public CompletableFuture<ChildExit> exited() { return exited; }

    /** Completes with the engine's pid once it is up and speaks the same encoding. */
    public CompletableFuture<Long> ready() { return hello; }

    /** The highest stop id the engine reported. */
    public long lastStopId() { return lastStopId; }

    /** The oldest command not answered yet. */
    public Optional<Command<?>> oldestInFlight() {
        synchronized (pending) {
            return pending.values().stream().findFirst().map(Pending::command);
        }
    }

    @SuppressWarnings("unchecked")
    @Override public <R> CompletableFuture<R> submit(Command<R> command) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        if (exited.isDone() || closing) {
            future.completeExceptionally(new IllegalStateException("the engine is closed"));
            return (CompletableFuture<R>) future;
        }
        long id = ids.incrementAndGet();
        Wire.Writer body = new Wire.Writer();
        try {
            body.value(command);
        } catch (WireException e) {
            future.completeExceptionally(e);
            return (CompletableFuture<R>) future;
        }
        synchronized (pending) {
            pending.put(id, new Pending(command, future, List.copyOf(body.tokens)));
        }
        if (!body.tokens.isEmpty()) watchCancel(id, body.tokens, future);
        try {
            byte[] b = body.bytes();
            out.send(Frames.SUBMIT, w -> { w.varint(id); w.out.write(b, 0, b.length); });
        } catch (UncheckedIOException e) {
            // the process is gone: the reader fails the command when it sees the end
        }
        return (CompletableFuture<R>) future;
    }

    /**
     * One thread polls the cancellation flags of every command in flight. (A delayed
     * {@code CompletableFuture} task per poll started a thread each time on a machine of two
     * processors, whose common pool is too small to be used: 1,485 threads while one core opened.)
     */
    private static final ScheduledExecutorService CANCEL_POLL = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sextant-engine-cancel-poll");
        t.setDaemon(true);
        return t;
    });

    /** Polls the command's tokens (they are plain flags) every 50 ms and sends a cancel when one is set. */
    private void watchCancel(long id, List<Cancellation> tokens, CompletableFuture<Object> future) {
        AtomicReference<ScheduledFuture<?>> poll = new AtomicReference<>();
        poll.set(CANCEL_POLL.scheduleWithFixedDelay(() -> {
            if (!future.isDone() && tokens.stream().noneMatch(Cancellation::isCancelled)) return;
            ScheduledFuture<?> p = poll.get();
            if (p != null) p.cancel(false);
            if (future.isDone()) return;
            try {
                out.send(Frames.CANCEL, w -> w.varint(id));
            } catch (UncheckedIOException gone) {
                // the reader fails the command when it sees the end
            }
        }, 50, 50, TimeUnit.MILLISECONDS));
        future.whenComplete((r, e) -> poll.get().cancel(false));
    }

    private void read() {
        DataInputStream in = Frames.input(process.getInputStream());
        try {
            for (Optional<byte[]> f = Frames.next(in); f.isPresent(); f = Frames.next(in)) dispatch(new Wire.Reader(f.get()));
        } catch (IOException | WireException e) {
            if (!closing) System.err.println("sextant: the engine pipe broke: " + e.getMessage());
            process.destroyForcibly();
        }
        ended();
    }

    private void ended() {
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        ChildExit exit = ChildExit.of(process.pid(), status);
        boolean wasReady = hello.isDone();
        int s = status;
        launch.archive().ifPresent(a -> {
            if (!wasReady && a.involved()) a.failedToStart();   // a broken archive must not stop the next engine too
            else a.exited(launch.java(), s);
        });
        List<Pending> lost;
        synchronized (pending) {
            lost = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (Pending p : lost) {
            p.future().completeExceptionally(closing ? new IllegalStateException("the engine is closed")
                    : new TargetException("the engine process " + exit.describe() + " while it ran " + p.command().getClass().getSimpleName()));
        }
        hello.completeExceptionally(new TargetException("the engine process " + exit.describe() + " before it was ready"));
        exited.complete(exit);
    }

    private void dispatch(Wire.Reader r) {
        int kind = (int) r.varint();
        switch (kind) {
            case Frames.HELLO -> {
                long fingerprint = r.signed();
                if (fingerprint != WireTypes.table().fingerprint()) {
                    throw new WireException("the engine process speaks another version of the api (a stale build?)");
                }
                hello.complete(r.signed());
            }
            case Frames.RESULT -> {
                long id = r.varint();
                Object value = r.value();
                take(id).ifPresent(p -> p.future().complete(value));
            }
            case Frames.FAILURE -> {
                long id = r.varint();
                RuntimeException e = failure(r.string(), (String) r.value(), (String) r.value(), (Integer) r.value());
                take(id).ifPresent(p -> p.future().completeExceptionally(e));
            }
            case Frames.EVENT -> event((DebugEvent) r.value());
            case Frames.EVENTS -> {
                long n = r.varint();
                if (n > r.remaining()) throw new WireException(n + " events announced in a message of " + r.remaining() + " bytes left");
                for (long i = 0; i < n; i++) event((DebugEvent) r.value());
            }
            case Frames.SYMBOL_STATE -> symbolState((int) r.signed(), r.signed());
            default -> throw new WireException("unknown message kind " + kind + " from the engine");
        }
    }

    private Optional<Pending> take(long id) {
        synchronized (pending) {
            return Optional.ofNullable(pending.remove(id));
        }
    }

    /** The engine's exception again, with its type where the window tells types apart. */
    static RuntimeException failure(String type, String message, String call, Integer code) {
        return switch (type) {
            case "dev.sextant.engine.api.TargetException" -> new TargetException(message);
            case "java.util.concurrent.CancellationException" -> new CancellationException(message);
            case "java.lang.IllegalArgumentException" -> new IllegalArgumentException(message);
            case "java.lang.IllegalStateException" -> new IllegalStateException(message);
            case "java.lang.UnsupportedOperationException" -> new UnsupportedOperationException(message);
            case "dev.sextant.engine.api.NativeCallException" -> new NativeCallException(call, code,
                    message != null && message.startsWith(call + ": ") ? message.substring(call.length() + 2) : String.valueOf(message));
            default -> new TargetException(type.substring(type.lastIndexOf('.') + 1) + (message == null ? "" : ": " + message));
        };
    }

    private void event(DebugEvent e) {
        if (e.stopId() > lastStopId) lastStopId = e.stopId();
        for (DebugListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException failed) {
                listeners.remove(l);
                if (!(e instanceof DebugEvent.DiagnosticReported)) {
                    event(new DebugEvent.DiagnosticReported(e.stopId(), new Diagnostic(Severity.ERROR,
                            "a listener failed and was removed: " + failed)));
                }
            }
        }
    }

    private void symbolState(int flags, long argument) {
        for (Interest i : engineListeners) {
            if ((i.mask() & flags) == 0) continue;
            try {
                i.listener().changeSymbolState(flags, argument);
            } catch (RuntimeException failed) {
                engineListeners.remove(i);
                event(new DebugEvent.DiagnosticReported(lastStopId, new Diagnostic(Severity.ERROR,
                        "a symbol-state listener failed and was removed: " + failed)));
            }
        }
    }

    @Override public void addListener(DebugListener listener) { listeners.add(listener); }

    @Override public void removeListener(DebugListener listener) { listeners.remove(listener); }

    @Override public void addEngineListener(EngineListener listener) { engineListeners.add(new Interest(listener, listener.interestMask())); }

    @Override public void removeEngineListener(EngineListener listener) { engineListeners.removeIf(i -> i.listener() == listener); }

    /** Asks the engine to close its target and end; kills it when it has not within two seconds (30 when it writes its start-up archive). */
    @Override public void close() {
        if (closing) return;
        closing = true;
        try {
            out.send(Frames.CLOSE, w -> {});
            process.getOutputStream().close();
        } catch (IOException | UncheckedIOException gone) {
            // already ended
        }
        try {
            // an engine that records its start-up archive writes it as it exits (1-2 s of CPU, longer on a busy machine)
            long seconds = launch.archive().map(EngineArchive::recording).orElse(false) ? 30 : 2;
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) process.destroyForcibly();
            exited.get(2, TimeUnit.SECONDS);   // what it recorded for its start-up archive is kept before this JVM ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (ExecutionException | TimeoutException e) {
            // ended all the same
        }
    }
}
