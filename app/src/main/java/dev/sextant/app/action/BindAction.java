package dev.sextant.app.action;

import dev.sextant.app.view.status.StatusBar;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.bind.BindFlag;
import dev.sextant.engine.bind.BindParameter;
import dev.sextant.engine.bind.BindReason;
import dev.sextant.engine.bind.BindResult;
import dev.sextant.engine.bind.Binder;
import dev.sextant.engine.bind.SearchPath;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * Binds an image (File → Bind image…, or a module's context menu) on a worker thread — binding
 * only reads files, so it does not hold up the engine thread — and feeds every status-routine call
 * through the event bridge, so the Bind view fills in as the bind goes. Cancel stops the bind at
 * the next status call (the routine returns false, as the seed defines).
 */
public final class BindAction {
    private static final AtomicLong BINDS = new AtomicLong(1_000_000);

    private final DebugListener bridge;
    private final StatusBar status;
    private final Consumer<String> notify;
    private Cancellation current;
    private dev.sextant.engine.bind.LiveBindObserver live;

    public BindAction(DebugListener bridge, StatusBar status, Consumer<String> notify) {
        this.bridge = bridge;
        this.status = status;
        this.notify = notify;
    }

    public CompletableFuture<BindResult> bind(Path image, boolean allImages) {
        if (current != null) current.cancel();
        Cancellation cancel = new Cancellation();
        current = cancel;
        long id = BINDS.incrementAndGet();
        status.busy("Binding " + image.getFileName() + "…", cancel::cancel);
        CompletableFuture<BindResult> done = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            long t0 = System.nanoTime();
            AtomicInteger procedures = new AtomicInteger(), failures = new AtomicInteger();
            // Libraries, as the tree lists them: one per name, however many objects need it.
            java.util.Set<String> modules = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try {
                BindResult r = new Binder().bind(image, SearchPath.system(), Optional.empty(),
                        allImages ? EnumSet.of(BindFlag.ALL_IMAGES) : EnumSet.noneOf(BindFlag.class),
                        (reason, imageName, dllName, va, parameter) -> {
                            boolean failed = failure(reason);
                            if (failed) failures.incrementAndGet();
                            if (reason == BindReason.BindImportModule || reason == BindReason.BindImportModuleFailed) modules.add(dllName);
                            if (reason == BindReason.BindImportProcedure || reason == BindReason.BindImportProcedureFailed) procedures.incrementAndGet();
                            bridge.onEvent(new DebugEvent.BindStatusReported(id, reason.code(), reason.name(), imageName, dllName, va,
                                    text(parameter), failed));
                            return !cancel.isCancelled();
                        });
                bridge.onEvent(new DebugEvent.BindFinished(id, image.toString(), modules.size(), procedures.get(), failures.get(),
                        r.stopped(), (System.nanoTime() - t0) / 1_000_000));
                done.complete(r);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }, "sextant-bind");
        worker.setDaemon(true);
        worker.start();
        done.whenComplete((r, e) -> Platform.runLater(() -> {
            if (current != cancel) return;
            current = null;
            if (e != null) {
                status.idle("Could not bind " + image.getFileName());
                notify.accept(image + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            } else {
                status.idle((r.stopped() ? "Bind stopped: " : "Bound ") + image.getFileName() + ": " + r.modules().size()
                        + " modules, " + r.missing().size() + " missing, " + r.unresolved().size() + " unresolved symbols");
            }
        }));
        return done;
    }

    /**
     * Live binding for a program about to be launched: starts observing its dynamic linker through
     * the LD_AUDIT library and returns the environment the launch must add; each load and each
     * (lazy) binding then reaches the Bind view as it happens. When the audit library cannot be
     * built the launch goes on without it, and the status bar says why.
     */
    public Map<String, String> observeLaunch(Path program) {
        if (live != null) live.close();
        live = null;
        long id = BINDS.incrementAndGet();
        long t0 = System.nanoTime();
        AtomicInteger procedures = new AtomicInteger();
        java.util.Set<String> modules = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            live = dev.sextant.engine.bind.LiveBindObserver.start(program, (reason, imageName, dllName, va, parameter) -> {
                if (reason == BindReason.BindImportModule) modules.add(dllName);
                if (reason == BindReason.BindImportProcedure) procedures.incrementAndGet();
                bridge.onEvent(new DebugEvent.BindStatusReported(id, reason.code(), reason.name(), imageName, dllName, va,
                        text(parameter), failure(reason)));
                if (reason == BindReason.BindImageComplete) {
                    bridge.onEvent(new DebugEvent.BindFinished(id, imageName, modules.size(), procedures.get(), 0, false,
                            (System.nanoTime() - t0) / 1_000_000));
                }
                return true;
            });
            return live.environment();
        } catch (java.io.IOException e) {
            notify.accept("Live binding is off for this launch: " + e.getMessage());
            return Map.of();
        }
    }

    static boolean failure(BindReason r) {
        return switch (r) {
            case BindImportModuleFailed, BindImportProcedureFailed, BindForwarderNOT, BindRvaToVaFailed,
                    BindMismatchedSymbols, BindNoRoomInImage, BindOutOfMemory -> true;
            default -> false;
        };
    }

    static String text(BindParameter p) {
        if (p instanceof BindParameter.ModuleFound f) return f.path() + " (" + f.foundBy() + ")";
        if (p instanceof BindParameter.Failure f) return f.message() + (f.trail().isEmpty() ? "" : "; tried " + String.join(", ", f.trail()));
        if (p instanceof BindParameter.ProcedureName n) return n.name() + n.version().map(v -> "@" + v).orElse("");
        if (p instanceof BindParameter.ForwarderName f) return f.name() + " → " + f.target();
        if (p instanceof BindParameter.ByteCount c) return c.bytes() + " bytes";
        if (p instanceof BindParameter.SymbolFile s) return s.path();
        if (p instanceof BindParameter.Written w) return "bound copy written to " + w.path();
        if (p instanceof BindParameter.BoundImports b) return b.imports().size() + " bound imports";
        return "";
    }
}
