package dev.sextant.app.cli;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.TargetException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import dev.sextant.engine.session.EngineThread;

/** The command line's one way into the engine: an engine for one command, its answer or its failure as thrown. */
final class OneShot {
    private OneShot() {}

    static <R> R run(Command<R> command) {
        return run(command, null);
    }

    /** With {@code listener} (when not null) receiving the command's events meanwhile, on the engine thread. */
    static <R> R run(Command<R> command, DebugListener listener) {
        try (EngineThread engine = new EngineThread()) {
            if (listener != null) engine.addListener(listener);
            return await(engine.submit(command));
        }
    }

    /** The future's value; its failure rethrown as it was thrown (a {@link TargetException} for an interrupt). */
    static <R> R await(Future<R> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error er) throw er;
            throw new TargetException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted", e);
        }
    }
}
