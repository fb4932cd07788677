package dev.sextant.app.action;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.crashes.CrashesModel;
import dev.sextant.app.view.crashes.CrashesView;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.CrashInbox;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Lists the crash inbox through the engine (one {@code ListCrashes} run computes every signature),
 * shows its progress from the engine's events, cancels it, and hands a crash to open to the window.
 * Never waits on the FX thread.
 */
public final class CrashesAction {
    private final Engine engine;
    private final CrashesModel model;
    private final List<Path> directories;
    private final Consumer<String> notify;
    private CrashesView view;
    private Cancellation current;
    private CompletableFuture<CrashInbox> last = CompletableFuture.completedFuture(null);

    public CrashesAction(Engine engine, CrashesModel model, List<Path> directories, Consumer<String> notify) {
        this.engine = engine;
        this.model = model;
        this.directories = new ArrayList<>(directories);
        this.notify = notify;
    }

    public void attach(CrashesView view) { this.view = view; }

    public List<Path> directories() { return List.copyOf(directories); }

    public void addDirectory(Path dir) {
        if (!directories.contains(dir)) directories.add(dir);
        refresh();
    }

    /** Lists again, computing every signature; a running listing is cancelled first. */
    public CompletableFuture<CrashInbox> refresh() {
        if (current != null) current.cancel();
        Cancellation cancel = new Cancellation();
        current = cancel;
        String where = directories.stream().map(Path::toString).collect(Collectors.joining(", "));
        view.busy("Reading the crashes in " + where + "…", 0, 0);
        last = FxThread.whenDone(engine.submit(new Command.ListCrashes(directories, Optional.empty(), true, cancel)), inbox -> {
            if (current != cancel) return;
            current = null;
            model.show(inbox);
            int n = inbox.crashes().size(), g = inbox.groups().size();
            long problems = inbox.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).count();
            view.idle(n == 0 ? "No crashes in " + where
                    : n + (n == 1 ? " crash" : " crashes") + " in " + g + (g == 1 ? " group" : " groups") + " (" + where + ")"
                    + (problems > 0 ? "; " + problems + " could not be read" : ""));
            if (!view.groupsTable().getItems().isEmpty()) view.groupsTable().getSelectionModel().selectFirst();
        }, cause -> {
            if (current != cancel) return;
            current = null;
            if (cause instanceof CancellationException) {
                view.idle("Cancelled");
            } else {
                view.idle("Could not list the crashes");
                notify.accept(cause instanceof TargetException ? cause.getMessage() : String.valueOf(cause));
            }
        });
        return last;
    }

    public void cancel() {
        if (current != null) current.cancel();
    }

    /** Progress of the signatures, from the engine's events (a bridge model: FX thread). */
    public void apply(List<DebugEvent> batch) {
        if (view == null || current == null) return;
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (batch.get(i) instanceof DebugEvent.ProgressReported p && p.task().equals("Crash signatures")) {
                view.busy("Computing signatures: " + p.done() + " of " + p.total() + " cores", p.done(), p.total());
                return;
            }
        }
    }

    /** The last listing's future, for tests. */
    public CompletableFuture<CrashInbox> last() { return last; }
}
