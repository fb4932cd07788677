package dev.sextant.app.view;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * The FX thread's rules and the one way across to it for futures: models belong to the FX thread
 * ({@link #check}); an engine answer reaches it through {@link #whenDone} (events go through the
 * {@code FxEventBridge}, never through here).
 */
public final class FxThread {
    private FxThread() {}

    public static void check() {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("models are applied on the FX thread, not on " + Thread.currentThread().getName());
        }
    }

    /**
     * When {@code future} completes, {@code ok} with its value or {@code err} with its cause (unwrapped
     * from {@link CompletionException}), on the FX thread. Answers {@code future}.
     */
    public static <T> CompletableFuture<T> whenDone(CompletableFuture<T> future, Consumer<? super T> ok, Consumer<Throwable> err) {
        future.whenComplete((v, e) -> later(() -> {
            if (e == null) ok.accept(v);
            else err.accept(cause(e));
        }));
        return future;
    }

    /** {@code work} on the FX thread, at its next turn (also when called on it: after the current work). */
    public static void later(Runnable work) {
        Platform.runLater(work);
    }

    /** The failure inside a future's wrapper exceptions. */
    public static Throwable cause(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        return e;
    }
}
