package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.session.EngineThread;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine process: an {@link EngineThread} served over stdin (commands, cancels) and stdout
 * (answers, failures, events, symbol-state changes). Anything else the engine prints goes to
 * stderr. Ends when stdin ends (the window closed or died) or a close message comes.
 * Arguments: {@code --stop-ids-after N} (an engine that replaces one that ended).
 *
 * <p>Events that come in floods (a stack per thread, progress) are held a little and sent together,
 * in one message: a core of 100,000 threads sent 200,000 messages, a write and a wake-up of the
 * window's reader each, and each one's frames again, where a batch sends a stack shared by many
 * threads once (see {@link Wire}). Anything else sent first sends what is held, so that order holds.
 */
public final class EngineServer {
    private final EngineThread engine = new EngineThread();
    private final Frames out;
    private final Map<Long, List<Cancellation>> tokens = new ConcurrentHashMap<>();
    /** Events held for the next batch; guarded by itself, which every send holds (so that order holds). */
    private final List<DebugEvent> held = new ArrayList<>();
    private boolean flushScheduled;      // guarded by held
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sextant-engine-batches");
        t.setDaemon(true);
        return t;
    });
    /** The most events held, and for how long at most. */
    static final int MAX_HELD = 1_000;
    static final long HOLD_MILLIS = 20;

    private EngineServer(Frames out) { this.out = out; }

    public static void main(String[] args) throws IOException {
        FileOutputStream pipe = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        long after = 0;
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--stop-ids-after")) after = Long.parseLong(args[i + 1]);
        EngineServer server = new EngineServer(new Frames(new BufferedOutputStream(pipe, 1 << 16)));
        int status = server.serve(Frames.input(new FileInputStream(FileDescriptor.in)), after);
        System.exit(status);
    }

    private int serve(DataInputStream in, long stopIdsAfter) throws IOException {
        if (stopIdsAfter > 0) engine.continueStopIdsAfter(stopIdsAfter);
        engine.addListener(this::event);
        engine.addEngineListener((flags, argument) -> send(Frames.SYMBOL_STATE, w -> { w.signed(flags); w.signed(argument); }));
        send(Frames.HELLO, w -> { w.signed(WireTypes.table().fingerprint()); w.signed(ProcessHandle.current().pid()); });
        try {
            for (Optional<byte[]> frame = Frames.next(in); frame.isPresent(); frame = Frames.next(in)) {
                if (!handle(new Wire.Reader(frame.get()))) break;
            }
        } catch (WireException | UncheckedIOException e) {
            System.err.println("sextant engine: " + e.getMessage());
            engine.close();
            return 1;
        }
        engine.close();
        return 0;
    }

    /** Holds a flood's event for the next batch; sends any other at once, after what is held. */
    private void event(DebugEvent e) {
        boolean flood = e instanceof DebugEvent.StackWalked || e instanceof DebugEvent.ProgressReported;
        synchronized (held) {
            if (flood) {
                held.add(e);
                if (held.size() >= MAX_HELD) {
                    flushHeld();
                } else if (!flushScheduled) {
                    flushScheduled = true;
                    flusher.schedule(this::flushLater, HOLD_MILLIS, TimeUnit.MILLISECONDS);
                }
                return;
            }
            send(Frames.EVENT, w -> w.value(e));
        }
    }

    private void flushLater() {
        synchronized (held) {
            flushScheduled = false;
            try {
                flushHeld();
            } catch (UncheckedIOException gone) {
                // the window is gone: the main loop sees the end of its input
            }
        }
    }

    /** Sends the held events as one message. Holds {@code held}. */
    private void flushHeld() {
        if (held.isEmpty()) return;
        List<DebugEvent> batch = new ArrayList<>(held);
        held.clear();
        out.send(Frames.EVENTS, w -> {
            w.varint(batch.size());
            for (DebugEvent e : batch) w.value(e);
        });
    }

    /** Sends a message after the events held. */
    private void send(int kind, java.util.function.Consumer<Wire.Writer> body) {
        synchronized (held) {
            flushHeld();
            out.send(kind, body);
        }
    }

    private boolean handle(Wire.Reader r) {
        int kind = (int) r.varint();
        switch (kind) {
            case Frames.SUBMIT -> submit(r.varint(), r);
            case Frames.CANCEL -> tokens.getOrDefault(r.varint(), List.of()).forEach(Cancellation::cancel);
            case Frames.CLOSE -> { return false; }
            default -> throw new WireException("unknown message kind " + kind + " from the window");
        }
        return true;
    }

    private void submit(long id, Wire.Reader r) {
        Command<?> command;
        try {
            command = (Command<?>) r.value();
        } catch (WireException | ClassCastException e) {
            fail(id, e);
            return;
        }
        if (!r.tokens.isEmpty()) tokens.put(id, r.tokens);
        engine.submit(command).whenComplete((v, e) -> {
            tokens.remove(id);
            if (e != null) {
                fail(id, e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
                return;
            }
            try {
                send(Frames.RESULT, w -> { w.varint(id); w.value(v); });
            } catch (WireException cannotCross) {
                fail(id, cannotCross);
            }
        });
    }

    private void fail(long id, Throwable e) {
        send(Frames.FAILURE, w -> {
            w.varint(id);
            w.string(e.getClass().getName());
            w.value(e.getMessage());
            if (e instanceof NativeCallException n) {
                w.value(n.call());
                w.value(n.code());
            } else {
                w.value(null);
                w.value(null);
            }
        });
    }
}
