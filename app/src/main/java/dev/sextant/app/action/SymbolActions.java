package dev.sextant.app.action;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.modules.ModulesView;
import dev.sextant.app.view.status.StatusBar;
import dev.sextant.app.view.symbols.SymbolSettingsDialog;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.session.EngineThread;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The symbol actions: load one module's symbols or all, cancel, retry, and the symbol settings
 * (path and options), each an engine command. Also a model of the bridge: it follows the options
 * in force (from {@code SYMBOL_OPTIONS} notifications) and puts the overall symbol-load progress in
 * the status bar. Never waits on the FX thread.
 */
public final class SymbolActions {
    private final Engine engine;
    private final StatusBar status;
    private final Consumer<String> notify;
    private String path;
    private Set<SymbolOption> options = SymbolOption.defaults();

    public SymbolActions(Engine engine, StatusBar status, Consumer<String> notify) {
        this.engine = engine;
        this.status = status;
        this.notify = notify;
        this.path = EngineThread.defaultSymbolPath();
        status.onCancelSymbols(() -> cancel(Optional.empty()));
    }

    /** The symbol path in force, as text (what the settings dialog starts from). */
    public String path() { return path; }

    public Set<SymbolOption> options() { return options; }

    public CompletableFuture<Integer> load(Optional<Address> module) {
        return submit(new Command.LoadSymbols(module), n -> { if (n == 0 && module.isEmpty()) status.idle("Every module's symbols are loaded or tried"); });
    }

    public CompletableFuture<Boolean> cancel(Optional<Address> module) {
        return submit(new Command.CancelSymbolLoad(module), r -> { });
    }

    public CompletableFuture<Boolean> retry(Address module) {
        return submit(new Command.RetrySymbolLoad(module), r -> { });
    }

    /** Sets the path; a bad entry comes back as one line naming it. */
    public CompletableFuture<String> setPath(String text) {
        return submit(new Command.SetSymbolPath(text), parsed -> {
            path = parsed;
            status.idle("Symbol path: " + parsed);
        });
    }

    public CompletableFuture<Boolean> setOptions(Set<SymbolOption> newOptions) {
        return submit(new Command.SetSymbolOptions(newOptions), r -> { });
    }

    /** The Modules view's Load / Cancel / Retry. */
    public ModulesView.SymbolIntents intents() {
        return new ModulesView.SymbolIntents() {
            @Override public void load(Optional<Address> module) { SymbolActions.this.load(module); }
            @Override public void cancel(Optional<Address> module) { SymbolActions.this.cancel(module); }
            @Override public void retry(Address module) { SymbolActions.this.retry(module); }
        };
    }

    /** Shows the settings dialog; what the user confirms goes to the engine (path first, then options). */
    public void editSettings(javafx.stage.Window owner) {
        new SymbolSettingsDialog(owner, path, options).showAndWait().ifPresent(s -> {
            if (!s.path().equals(path)) setPath(s.path());
            if (!s.options().equals(options)) setOptions(s.options());
        });
    }

    /** Bridge model: the options in force and the overall progress of symbol loads. */
    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        DebugEvent.ProgressReported last = null;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.ProgressReported p && p.task().equals("Loading symbols")) last = p;
            else if (e instanceof DebugEvent.SymbolStateChanged c && c.flags() == EngineListener.DEBUG_CSS_SYMBOL_OPTIONS) {
                options = SymbolOption.fromMask(c.argument());
            } else if (e instanceof DebugEvent.TargetOpened || e instanceof DebugEvent.TargetClosed) {
                status.symbolLoads(0, 0);
            }
        }
        if (last != null) status.symbolLoads(last.done(), last.total());
    }

    private <R> CompletableFuture<R> submit(Command<R> c, Consumer<R> onSuccess) {
        return FxThread.whenDone(engine.submit(c), onSuccess,
                cause -> notify.accept(cause.getMessage() != null ? cause.getMessage() : String.valueOf(cause)));
    }
}
