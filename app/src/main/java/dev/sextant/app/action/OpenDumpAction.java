package dev.sextant.app.action;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.status.StatusBar;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Opens a dump: submits the command, shows progress with Cancel, and reports the outcome in the
 * status bar and, for problems, in a notification. Never waits on the FX thread.
 */
public final class OpenDumpAction {
    private final Engine engine;
    private final StatusBar status;
    private final Consumer<String> notify;
    private Cancellation current;
    private CompletableFuture<DumpReport> last = CompletableFuture.completedFuture(null);

    public OpenDumpAction(Engine engine, StatusBar status, Consumer<String> notify) {
        this.engine = engine;
        this.status = status;
        this.notify = notify;
    }

    public CompletableFuture<DumpReport> open(Path core, Optional<Path> exe, Optional<Path> sysroot) {
        if (current != null) current.cancel();
        Cancellation cancel = new Cancellation();
        current = cancel;
        long started = System.nanoTime();
        status.busy("Opening " + core.getFileName() + "…", cancel::cancel);
        last = engine.submit(new Command.OpenCore(core, exe, sysroot, cancel));
        FxThread.whenDone(last, report -> {
            if (current != cancel) return;          // a newer open replaced this one
            current = null;
            long ms = (System.nanoTime() - started) / 1_000_000;
            int t = report.threads().size(), m = report.modules().size();
            status.idle("Opened " + core.getFileName() + ": " + t + (t == 1 ? " thread, " : " threads, ")
                    + m + (m == 1 ? " module" : " modules") + " in " + ms + " ms");
            report.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).findFirst()
                    .ifPresent(d -> notify.accept(d.message()));
        }, cause -> {
            if (current != cancel) return;
            current = null;
            if (cause instanceof CancellationException) {
                status.idle("Cancelled: showing what was read of " + core.getFileName() + " so far");
            } else {
                status.idle("Could not open " + core.getFileName());
                notify.accept(cause instanceof TargetException ? cause.getMessage() : core + ": " + cause);
            }
        });
        return last;
    }

    /** The last open's future, for tests and the screenshot mode. */
    public CompletableFuture<DumpReport> last() { return last; }
}
