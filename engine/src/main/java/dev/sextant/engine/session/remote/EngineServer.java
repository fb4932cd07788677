package dev.sextant.engine.session.remote;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine process: an {@link EngineThread} served over stdin (commands, cancels) and stdout
 * (answers, failures, events, symbol-state changes). Anything else the engine prints goes to
 * stderr. Ends when stdin ends (the window closed or died) or a close message comes.
 * Arguments: {@code --stop-ids-after N} (an engine that replaces one that ended).
 */
public final class EngineServer {
    private final EngineThread engine = new EngineThread();
    private final Frames out;
    private final Map<Long, List<Cancellation>> tokens = new ConcurrentHashMap<>();

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
        engine.addListener(e -> out.send(Frames.EVENT, w -> w.value(e)));
        engine.addEngineListener((flags, argument) -> out.send(Frames.SYMBOL_STATE, w -> { w.signed(flags); w.signed(argument); }));
        out.send(Frames.HELLO, w -> { w.signed(WireTypes.table().fingerprint()); w.signed(ProcessHandle.current().pid()); });
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
                out.send(Frames.RESULT, w -> { w.varint(id); w.value(v); });
            } catch (WireException cannotCross) {
                fail(id, cannotCross);
            }
        });
    }

    private void fail(long id, Throwable e) {
        out.send(Frames.FAILURE, w -> {
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
