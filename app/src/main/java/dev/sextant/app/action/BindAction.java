package dev.sextant.app.action;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.status.StatusBar;
import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindOptions;
import dev.sextant.engine.api.BindOutcome;
import dev.sextant.engine.api.BindResult;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.TargetException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Binds an image (File → Bind image…, or a module's context menu) through the engine, which binds
 * beside its thread and reports every status-routine call as an event, so the Bind view fills in as
 * the bind goes. Cancel stops the bind at the next status call (the routine returns false, as the
 * seed defines).
 */
public final class BindAction {
    private final Engine engine;
    private final StatusBar status;
    private final Consumer<String> notify;
    private Cancellation current;

    public BindAction(Engine engine, StatusBar status, Consumer<String> notify) {
        this.engine = engine;
        this.status = status;
        this.notify = notify;
    }

    public CompletableFuture<BindResult> bind(Path image, boolean allImages) {
        if (current != null) current.cancel();
        Cancellation cancel = new Cancellation();
        current = cancel;
        status.busy("Binding " + image.getFileName() + "…", cancel::cancel);
        EnumSet<BindFlag> flags = allImages ? EnumSet.of(BindFlag.ALL_IMAGES) : EnumSet.noneOf(BindFlag.class);
        CompletableFuture<BindResult> done = engine.submit(new Command.Bind(List.of(image), BindOptions.system(flags), cancel))
                .thenApply(outcomes -> result(outcomes.get(0)));
        FxThread.whenDone(done, r -> {
            if (current != cancel) return;
            current = null;
            status.idle((r.stopped() ? "Bind stopped: " : "Bound ") + image.getFileName() + ": " + r.modules().size()
                    + " modules, " + r.missing().size() + " missing, " + r.unresolved().size() + " unresolved symbols");
        }, e -> {
            if (current != cancel) return;
            current = null;
            status.idle("Could not bind " + image.getFileName());
            notify.accept(image + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        });
        return done;
    }

    private static BindResult result(BindOutcome o) {
        return o.result().orElseThrow(() -> new TargetException(o.error().orElse("not bound")));
    }

    /**
     * Live binding for a program about to be launched: the engine starts observing its dynamic linker
     * through the LD_AUDIT library and answers the environment the launch must add; each load and each
     * (lazy) binding then reaches the Bind view as it happens. When the audit library cannot be built
     * the launch goes on without it, and the notification says why.
     */
    public CompletableFuture<Map<String, String>> observeLaunch(Path program) {
        return engine.submit(new Command.ObserveBinds(program)).exceptionally(e -> {
            Throwable cause = FxThread.cause(e);
            FxThread.later(() -> notify.accept("Live binding is off for this launch: " + cause.getMessage()));
            return Map.of();
        });
    }
}
