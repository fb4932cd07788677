package dev.sextant.app;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.sextant.app.action.BindAction;
import dev.sextant.app.action.DebugActions;
import dev.sextant.app.action.MemoryActions;
import dev.sextant.app.action.OpenDumpAction;
import dev.sextant.app.action.SymbolActions;
import dev.sextant.app.layout.LayoutStore;
import dev.sextant.app.layout.WindowSize;
import dev.sextant.app.layout.Workbench;
import dev.sextant.app.layout.Workbench.Area;
import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.bind.BindModel;
import dev.sextant.app.view.bind.BindView;
import dev.sextant.app.view.breakpoints.BreakpointsModel;
import dev.sextant.app.view.breakpoints.BreakpointsView;
import dev.sextant.app.view.disassembly.CodeControl;
import dev.sextant.app.view.disassembly.DisassemblyModel;
import dev.sextant.app.view.disassembly.DisassemblyView;
import dev.sextant.app.view.dumpdata.DumpDataModel;
import dev.sextant.app.view.dumpdata.DumpDataView;
import dev.sextant.app.view.memory.MemoryModel;
import dev.sextant.app.view.memory.MemoryView;
import dev.sextant.app.view.modules.ModulesModel;
import dev.sextant.app.view.modules.ModulesView;
import dev.sextant.app.view.parallel.ParallelStacksModel;
import dev.sextant.app.view.parallel.ParallelStacksView;
import dev.sextant.app.view.processes.ProcessPicker;
import dev.sextant.app.view.registers.RegistersModel;
import dev.sextant.app.view.registers.RegistersView;
import dev.sextant.app.view.stack.CallStackView;
import dev.sextant.app.view.source.FrameNavigator;
import dev.sextant.app.view.source.SourceView;
import dev.sextant.app.view.source.SourceModel;
import dev.sextant.app.view.source.SourceLocate;
import dev.sextant.app.view.sourcepaths.SourcePathsDialog;
import dev.sextant.app.view.source.CurrentFrame;
import dev.sextant.app.view.stack.StackModel;
import dev.sextant.app.view.status.StatusBar;
import dev.sextant.app.view.summary.SummaryModel;
import dev.sextant.app.view.summary.SummaryView;
import dev.sextant.app.view.symbollog.SymbolLogModel;
import dev.sextant.app.view.symbollog.SymbolLogView;
import dev.sextant.app.view.symbolsearch.SymbolSearchView;
import dev.sextant.app.view.symbolstate.SymbolStateModel;
import dev.sextant.app.view.symbolstate.SymbolStateView;
import dev.sextant.app.view.threads.ThreadsModel;
import dev.sextant.app.view.threads.ThreadsView;
import dev.sextant.app.view.unwind.UnwindTablesModel;
import dev.sextant.app.view.unwind.UnwindTablesView;
import dev.sextant.engine.api.BindResult;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.TypeOption;
import dev.sextant.engine.session.remote.SupervisedEngine;
import dev.sextant.icons.Icon;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import dev.sextant.app.action.StateActions;
import dev.sextant.app.view.variables.VariablesModel;
import dev.sextant.app.view.variables.VariablesView;
import dev.sextant.app.view.watches.WatchesModel;
import dev.sextant.app.view.watches.WatchesView;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.NotificationPane;

/**
 * The main window: menus, the crash summary, Threads | Call stack, Modules, and the status bar.
 * Builds the models, wires them to the engine through one {@link FxEventBridge}, and holds no
 * engine state of its own.
 */
public final class MainWindow {
    private final Stage stage;
    private final SummaryModel summary = new SummaryModel();
    private final ThreadsModel threads = new ThreadsModel();
    private final StackModel stack = new StackModel();
    private final ModulesModel modules = new ModulesModel();
    private final RegistersModel registers = new RegistersModel();
    private final DumpDataModel dumpData = new DumpDataModel();
    private final BindModel bind = new BindModel();
    private final SymbolStateModel symbolState = new SymbolStateModel();
    private final MemoryModel memory;
    private final MemoryView memoryView;
    private final UnwindTablesModel unwindTables;
    private final SymbolLogModel symbolLog = new SymbolLogModel();
    private final SymbolActions symbols;
    private final DebugActions debug;
    private final Engine engine;
    private final BindAction bindAction;
    private final Workbench workbench;
    private final LayoutStore layout;
    private final Tab bindTab;
    private final Tab memoryTab;
    private final StatusBar status = new StatusBar();
    private final FxEventBridge bridge;
    private final OpenDumpAction openDump;
    private final NotificationPane notifications;
    private final ThreadsView threadsView;
    private final CallStackView stackView;
    private final ParallelStacksModel parallel = new ParallelStacksModel();
    private final ParallelStacksView parallelView;
    private final ModulesView modulesView;
    private final CurrentFrame frames;
    private final SourceView sourceView;
    private final DisassemblyView disassemblyView;
    private final CodeControl code;
    private boolean dark;
    private final EngineBanner engineBanner = new EngineBanner();

    public MainWindow(Stage stage, Engine engine, boolean darkTheme) {
        this.stage = stage;
        this.engine = engine;
        unwindTables = new UnwindTablesModel(engine);
        bridge = new FxEventBridge(List.of(summary::apply, threads::apply, stack::apply, modules::apply, registers::apply, dumpData::apply, bind::apply, symbolState::apply,
                status::apply));
        bridge.addPreparer(threads::prepare);
        engine.addListener(bridge);
        var sourceActions = new dev.sextant.app.action.SourceActions(engine);
        frames = new CurrentFrame(sourceActions::setScope);
        bridge.addModel(frames::apply);
        threadsView = new ThreadsView(threads, tid -> {
            stack.select(tid);
            registers.select(tid);
            frames.selectThread(tid);
        });
        stackView = new CallStackView(stack);
        bridge.addModel(parallel::apply);
        parallelView = new ParallelStacksView(parallel, (tid, index) -> {
            if (!threadsView.reveal(tid)) {
                stack.select(tid);
                registers.select(tid);
            }
            frames.select(tid, index);
        });
        bindAction = new BindAction(engine, status, this::showError);
        debug = new DebugActions(engine, status, this::showError);
        debug.setLaunchEnvironment(bindAction::observeLaunch);     // live binding in the Bind view
        bridge.addModel(debug::apply);
        sourceModel = new SourceModel(sourceActions, frames, status::busy, status::idle);
        bridge.addModel(sourceModel::apply);
        sourceView = new SourceView(sourceModel, debug::breakpoint, debug::removeBreakpoint,
                file -> SourceLocate.choose(stage, file, sourceModel, this::showError, status::idle));
        new FrameNavigator(frames, stackView.kit().table(), stack::selected, registers, sourceActions, status::idle);
        memory = new MemoryModel(new MemoryActions(engine));
        bridge.addModel(memory::apply);
        memoryView = new MemoryView(memory);
        // Program state (issue 17): the Variables view reads only while its tab is shown.
        StateActions state = new StateActions(engine);
        VariablesModel variables = new VariablesModel(state);
        bridge.addModel(variables::apply);
        WatchesModel watches = new WatchesModel(state);
        bridge.addModel(watches::apply);
        var breakpoints = new BreakpointsModel();
        bridge.addModel(breakpoints::apply);
        bridge.addModel(unwindTables::apply);
        symbols = new SymbolActions(engine, status, this::showError);
        bridge.addModel(symbolLog::apply);
        bridge.addModel(symbols::apply);
        modulesView = new ModulesView(modules, file -> bind(Path.of(file)), symbols.intents());

        SummaryView summaryView = new SummaryView(summary);
        workbench = new Workbench(summaryView.title(), summaryView.details());
        // One line per pane: the area it goes to, its tab title, its node (see Workbench).
        workbench.add(Area.LEFT, "Threads", threadsView.node());
        workbench.add(Area.CENTER, "Source", sourceView.node());
        // Disassembly (issue 18) beside the Source view, the Call stack below left in view.
        var disassembly = new DisassemblyModel(r -> engine.submit(new Command.Disassemble(Optional.empty(), r)), frames, sourceModel::lineText);
        bridge.addModel(disassembly::apply);
        code = new CodeControl(debug, () -> stage);
        disassemblyView = new DisassemblyView(disassembly, code, this::showError);
        code.watch(disassemblyView, sourceView.area(), () -> sourceModel.frame().flatMap(f -> f.file())
                .map(f -> f + ":" + (sourceView.area().getCurrentParagraph() + 1)));
        Tab disassemblyTab = workbench.add(Area.CENTER, "Disassembly", disassemblyView.node());
        disassemblyTab.selectedProperty().addListener((o, was, shown) -> disassembly.setActive(shown));
        disassembly.setActive(disassemblyTab.isSelected());
        Tab parallelTab = workbench.add(Area.CENTER, "Parallel stacks", parallelView.node());   // wide; the Call stack below stays in view
        parallelTab.selectedProperty().addListener((o, was, shown) -> parallel.setActive(shown));
        parallel.setActive(parallelTab.isSelected());
        workbench.add(Area.BOTTOM, "Call stack", stackView.node());
        Tab variablesTab = workbench.add(Area.BOTTOM_RIGHT, "Variables", new VariablesView(variables).node());
        variablesTab.selectedProperty().addListener((o, was, shown) -> variables.setActive(shown));
        variables.setActive(variablesTab.isSelected());     // the first tab of its area: selected from the start
        workbench.add(Area.BOTTOM_RIGHT, "Watches", new WatchesView(watches).node());
        workbench.add(Area.BOTTOM_RIGHT, "Registers", new RegistersView(registers).node());
        workbench.add(Area.BOTTOM, "Modules", modulesView.node());
        memoryTab = workbench.add(Area.BOTTOM, "Memory", memoryView.node());
        workbench.add(Area.BOTTOM_RIGHT, "Breakpoints", new BreakpointsView(breakpoints,
                debug::breakpoint, debug::enableBreakpoint, debug::removeBreakpoint, debug::configureBreakpoint).node());
        workbench.add(Area.BOTTOM, "Dump data", new DumpDataView(dumpData).node());
        workbench.add(Area.BOTTOM, "Symbol state", new SymbolStateView(symbolState).node());
        workbench.add(Area.BOTTOM, "Symbol load log", new SymbolLogView(symbolLog).node());
        var symbolSearch = new SymbolSearchView(engine);
        Tab symbolSearchTab = workbench.add(Area.BOTTOM_RIGHT, "Symbol search", symbolSearch.node());
        bindTab = workbench.add(Area.BOTTOM, "Bind", new BindView(bind).node());
        Tab unwindTab = workbench.add(Area.BOTTOM, "Unwind tables", new UnwindTablesView(unwindTables).node());
        layout = LayoutStore.load(LayoutStore.defaultDirectory());
        workbench.restore(layout);
        notifications = new NotificationPane(workbench.node());
        notifications.setId("notifications");
        notifications.setShowFromTop(false);       // from the bottom: the summary's headline stays readable
        openDump = new OpenDumpAction(engine, status, this::showError);

        BorderPane root = new BorderPane(notifications);
        root.setTop(new VBox(menus(), toolbar(), engineBanner.node()));
        if (engine instanceof SupervisedEngine supervised) engineBanner.watch(supervised);
        root.setBottom(status.node());
        Rectangle2D size = WindowSize.initial(layout);
        Scene scene = new Scene(root, size.getWidth(), size.getHeight());
        scene.getStylesheets().add(MainWindow.class.getResource("sextant.css").toExternalForm());
        code.track(scene);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PAUSE), () -> { if (debug.running().get()) debug.pause(); });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ESCAPE), () -> {
            if (status.isBusy()) status.cancel(); else notifications.hide();
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN), () -> threadsView.kit().table().requestFocus());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN), () -> stackView.kit().table().requestFocus());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN), () -> modulesView.kit().table().requestFocus());
        // gdb's up (to the caller) and down (to the callee) from anywhere; Up/Down in the Call stack too.
        // A filter, not an accelerator: the tables and the source area would take Ctrl+Up/Down for themselves.
        KeyCodeCombination up = new KeyCodeCombination(KeyCode.UP, KeyCombination.SHORTCUT_DOWN);
        KeyCodeCombination down = new KeyCodeCombination(KeyCode.DOWN, KeyCombination.SHORTCUT_DOWN);
        scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (up.match(e)) { frames.up(); e.consume(); }
            else if (down.match(e)) { frames.down(); e.consume(); }
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.G, KeyCombination.SHORTCUT_DOWN), () -> {
            workbench.select(memoryTab);
            memoryView.focusAddress();
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.U, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                () -> workbench.select(unwindTab));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), () -> {
            workbench.select(symbolSearchTab);
            symbolSearch.focus();
        });
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) e.acceptTransferModes(TransferMode.COPY);
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            List<File> files = e.getDragboard().getFiles();
            if (files != null && !files.isEmpty()) open(files.get(0).toPath(), Optional.empty(), Optional.empty());
            e.setDropCompleted(files != null && !files.isEmpty());
            e.consume();
        });
        setTheme(darkTheme);
        stage.setTitle("Sextant");
        stage.setScene(scene);
        WindowSize.place(stage, layout, size);
        stage.setOnHiding(e -> saveLayout());
    }

    private MenuBar menus() {
        MenuItem open = new MenuItem("Open dump…", Icon.OPEN_DUMP.graphic());
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> chooseAndOpen(false));
        MenuItem openWithExe = new MenuItem("Open dump with executable…");
        openWithExe.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        openWithExe.setOnAction(e -> chooseAndOpen(true));
        MenuItem demoCrash = new MenuItem("Open demo crash dump");
        demoCrash.setOnAction(e -> SextantApp.openDemo(this));
        MenuItem crashes = item("Crashes on this machine", Icon.CRASHED_THREAD,
                new KeyCodeCombination(KeyCode.K, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                () -> showCrashes(List.of(dev.sextant.engine.api.Command.ListCrashes.SYSTEMD_DIRECTORY)));
        crashes.setId("menu-crashes");
        MenuItem bindImage = new MenuItem("Bind image…", Icon.MODULE.graphic());
        bindImage.setAccelerator(new KeyCodeCombination(KeyCode.B, KeyCombination.SHORTCUT_DOWN));
        bindImage.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Bind an executable or library (its imports are resolved, it is not run)");
            File f = fc.showOpenDialog(stage);
            if (f != null) bind(f.toPath());
        });
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> stage.close());
        CheckMenuItem darkItem = new CheckMenuItem("Dark theme", Icon.THEME.graphic());
        darkItem.setId("menu-dark");
        darkItem.setAccelerator(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        darkItem.setSelected(dark);
        darkItem.selectedProperty().addListener((o, a, b) -> setTheme(b));
        CheckMenuItem decimalItem = new CheckMenuItem("Decimal values");
        decimalItem.setId("menu-decimal");
        decimalItem.selectedProperty().addListener((o, a, b) -> engine.submit(new Command.SetTypeOptions(
                b ? java.util.Set.of(TypeOption.DECIMAL_VALUES) : java.util.Set.of())));
        MenuItem keys = new MenuItem("Keyboard shortcuts");
        keys.setOnAction(e -> showInfo("F5 continue · F9 breakpoint · F10 step over · F11 step into · Shift+F11 step out · Ctrl+Break (or Pause) break · Ctrl+O open dump · Ctrl+Shift+O open with executable · Ctrl+F filter the focused table · "
                + "Ctrl+B bind an image · Ctrl+C copy selected rows · Ctrl+1/2/3 Threads/Call stack/Modules · Ctrl+Up/Ctrl+Down caller/callee frame (gdb's up/down) · click the source gutter to set or clear a breakpoint · Alt+F11 / Alt+F10 one instruction into / over calls (F11 / F10 in the Disassembly) · Ctrl+F10 run to cursor · Ctrl+Shift+F10 set next statement · Ctrl+G memory at an address · Ctrl+Shift+F symbol search · Ctrl+Alt+P attach to a process · Esc cancel · Ctrl+Shift+L dark theme · Ctrl+Q quit"));
        MenuBar bar = new MenuBar(new Menu("File", null, open, openWithExe, demoCrash, crashes, bindImage, new javafx.scene.control.SeparatorMenuItem(), quit),
                debugMenu(), symbolsMenu(),
                new Menu("View", null, darkItem, decimalItem), new Menu("Help", null, keys));
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private MenuItem item(String text, Icon icon, KeyCombination key, Runnable action) {
        MenuItem m = new MenuItem(text, icon == null ? null : icon.graphic());
        if (key != null) m.setAccelerator(key);
        m.setOnAction(e -> action.run());
        return m;
    }

    private Menu debugMenu() {
        MenuItem launchDemo = item("Launch the demo program", Icon.CONTINUE, null, this::launchDemo);
        MenuItem launch = item("Launch program…", null, null, () -> {
            File f = new FileChooser().showOpenDialog(stage);
            if (f != null) debug.launch(f.toPath(), List.of());
        });
        MenuItem attach = item("Attach to process…", Icon.DETACH, new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN, KeyCombination.ALT_DOWN),
                () -> processPicker().show());
        MenuItem cont = item("Continue", Icon.CONTINUE, new KeyCodeCombination(KeyCode.F5), debug::cont);
        MenuItem pause = item("Break", Icon.PAUSE, new KeyCodeCombination(KeyCode.CANCEL, KeyCombination.CONTROL_DOWN), debug::pause);
        MenuItem over = item("Step over", Icon.STEP_OVER, new KeyCodeCombination(KeyCode.F10), debug::stepOver);
        MenuItem into = item("Step into", Icon.STEP_INTO, new KeyCodeCombination(KeyCode.F11), debug::stepInto);
        MenuItem out = item("Step out (run to return)", Icon.STEP_OUT, new KeyCodeCombination(KeyCode.F11, KeyCombination.SHIFT_DOWN), debug::stepOut);
        MenuItem bp = item("Breakpoint…", Icon.BREAKPOINT, new KeyCodeCombination(KeyCode.F9), () -> {
            javafx.scene.control.TextInputDialog d = new javafx.scene.control.TextInputDialog("process_order");
            d.setHeaderText("Breakpoint at a function name, file:line or address");
            d.showAndWait().map(String::strip).filter(t -> !t.isEmpty()).ifPresent(debug::breakpoint);
        });
        MenuItem detach = item("Detach", Icon.DETACH, null, debug::detach);
        MenuItem kill = item("Kill", Icon.CANCEL, null, debug::kill);
        for (MenuItem m : List.of(cont, pause, over, into, out, bp, detach, kill)) m.disableProperty().bind(debug.live().not());
        for (MenuItem m : List.of(over, into, out)) m.disableProperty().bind(debug.live().not().or(debug.running()));
        pause.disableProperty().bind(debug.live().not().or(debug.running().not()));
        cont.disableProperty().bind(debug.live().not().or(debug.running()));
        // Ctrl+Break is not on every keyboard: Pause does the same.
        Menu menu = new Menu("Debug", null, launchDemo, launch, attach, new javafx.scene.control.SeparatorMenuItem(),
                cont, pause, over, into, out, bp, new javafx.scene.control.SeparatorMenuItem(), detach, kill);
        menu.getItems().addAll(menu.getItems().indexOf(bp) + 1, code.menuItems());
        return menu;
    }

    private ProcessPicker picker;

    /** Debug → Attach… (Ctrl+Alt+P): the process picker, made on first use. */
    public ProcessPicker processPicker() {
        if (picker == null) {
            picker = new ProcessPicker(stage, () -> engine.submit(new Command.ListProcesses()),
                    e -> debug.attach(e.pid().value()));
        }
        return picker;
    }

    private Menu symbolsMenu() {
        MenuItem settings = item("Symbol settings…", null, new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                () -> symbols.editSettings(stage));
        MenuItem loadAll = item("Load all symbols", Icon.MODULE, null, () -> symbols.load(Optional.empty()));
        MenuItem cancelAll = item("Cancel symbol loads", Icon.CANCEL, null, () -> symbols.cancel(Optional.empty()));
        MenuItem sourcePaths = item("Source paths…", null, null, this::editSourcePaths);
        return new Menu("Symbols", null, settings, loadAll, cancelAll, sourcePaths);
    }

    public SymbolActions symbols() { return symbols; }

    /** Builds the bundled demo (if needed) and runs it under the debugger, stopped at its start. */
    public CompletableFuture<ProcessInfo> launchDemo() {
        status.busy("Building the demo program…", () -> { });
        CompletableFuture<ProcessInfo> done = new CompletableFuture<>();
        CompletableFuture<Path> built = CompletableFuture.supplyAsync(() -> {
            try {
                return DemoProgram.prepare();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        FxThread.whenDone(built, exe -> debug.launch(exe, List.of()).whenComplete((p, e) -> {
            if (e != null) { done.completeExceptionally(e); return; }
            // Let it run, so that threads, modules and the symbol-state log come alive at once.
            FxThread.whenDone(engine.submit(new Command.Continue()),
                    r -> status.idle("The demo runs: F9 sets a breakpoint (try process_order), Ctrl+Break or Pause stops it"), x -> { });
            done.complete(p);
        }), e -> {
            status.idle("No demo");
            showError(e instanceof TargetException ? e.getMessage() : "the demo could not be built: " + e);
            done.completeExceptionally(e);
        });
        return done;
    }

    public DebugActions debug() { return debug; }

    /** The current frame every view shows. */
    public CurrentFrame frames() { return frames; }

    public SourceView sourceView() { return sourceView; }

    private SourceModel sourceModel;

    /** Symbols → Source paths…: the substitutions dialog (showAndWait: call outside TestFX's interact). */
    public void editSourcePaths() { SourcePathsDialog.edit(stage, sourceModel, this::showError, status::idle); }

    public DisassemblyView disassemblyView() { return disassemblyView; }

    public CodeControl code() { return code; }

    private ToolBar toolbar() {
        Button open = new Button(null, Icon.OPEN_DUMP.graphic());
        open.setId("toolbar-open");
        open.setTooltip(new Tooltip("Open dump… (Ctrl+O)"));
        open.setOnAction(e -> chooseAndOpen(false));
        Button copy = new Button(null, Icon.COPY.graphic());
        copy.setTooltip(new Tooltip("Copy the call stack of the selected thread"));
        copy.setOnAction(e -> stackView.kit().copy(true));
        Button cont = new Button(null, Icon.CONTINUE.graphic());
        cont.setId("toolbar-continue");
        cont.setTooltip(new Tooltip("Continue (F5)"));
        cont.setOnAction(e -> debug.cont());
        cont.disableProperty().bind(debug.live().not().or(debug.running()));
        Button pause = new Button(null, Icon.PAUSE.graphic());
        pause.setTooltip(new Tooltip("Break (Ctrl+Break)"));
        pause.setOnAction(e -> debug.pause());
        pause.disableProperty().bind(debug.live().not().or(debug.running().not()));
        Button over = new Button(null, Icon.STEP_OVER.graphic());
        over.setTooltip(new Tooltip("Step over (F10)"));
        over.setOnAction(e -> debug.stepOver());
        Button into = new Button(null, Icon.STEP_INTO.graphic());
        into.setTooltip(new Tooltip("Step into (F11)"));
        into.setOnAction(e -> debug.stepInto());
        Button out = new Button(null, Icon.STEP_OUT.graphic());
        out.setTooltip(new Tooltip("Step out (Shift+F11)"));
        out.setOnAction(e -> debug.stepOut());
        for (Button b : List.of(over, into, out)) b.disableProperty().bind(debug.live().not().or(debug.running()));
        Button detach = new Button(null, Icon.DETACH.graphic());
        detach.setTooltip(new Tooltip("Detach: the process runs on"));
        detach.setOnAction(e -> debug.detach());
        detach.disableProperty().bind(debug.live().not());
        return new ToolBar(open, copy, new javafx.scene.control.Separator(), cont, pause, over, into, out, detach);
    }

    private void chooseAndOpen(boolean withExe) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a crash dump (ELF core or minidump)");
        File core = fc.showOpenDialog(stage);
        if (core == null) return;
        Optional<Path> exe = Optional.empty();
        if (withExe) {
            fc.setTitle("The executable that produced " + core.getName());
            fc.setInitialDirectory(core.getParentFile());
            exe = Optional.ofNullable(fc.showOpenDialog(stage)).map(File::toPath);
        }
        open(core.toPath(), exe, Optional.empty());
    }

    /** Opens a dump; results and errors show up in the views, the status bar and a notification. */
    public java.util.concurrent.CompletableFuture<DumpReport> open(Path core, Optional<Path> exe, Optional<Path> sysroot) {
        notifications.hide();
        return openDump.open(core, exe, sysroot);
    }

    /** Binds an image's imports in the Bind tab (nothing is executed). */
    public java.util.concurrent.CompletableFuture<BindResult> bind(Path image) {
        workbench.select(bindTab);
        return bindAction.bind(image, false);
    }

    /** The banner's text when the engine process ended, empty while it is not shown. */
    public String engineBannerText() { return engineBanner.isShowing() ? engineBanner.text() : ""; }

    /** The engine this window is a client of. */
    public Engine engine() { return engine; }

    /** How long a notification stays before it goes by itself (Esc or its close button sooner). */
    static final Duration NOTIFICATION_TIME = Duration.seconds(10);
    private final PauseTransition notificationTimer = new PauseTransition(NOTIFICATION_TIME);

    public void showError(String message) {
        notify(Icon.WARNING, message);
    }

    /**
     * At start, when the machine has crashes: offers the crash inbox in a notification, beside the
     * demo the window opened with (which it does not replace: people start Sextant for either).
     */
    public void offerCrashes(dev.sextant.engine.api.CrashInbox inbox) {
        int n = inbox.crashes().size();
        if (n == 0 || notifications.isShowing()) return;
        var newest = inbox.crashes().get(0);
        String when = dev.sextant.app.view.crashes.CrashRow.TIME_FORMAT.format(newest.time());
        notifications.show(n + (n == 1 ? " crash" : " crashes") + " on this machine, the last of " + newest.program() + " at " + when,
                Icon.CRASHED_THREAD.graphic(18), new org.controlsfx.control.action.Action("Show crashes", e -> {
                    notifications.hide();
                    showCrashes(inbox.directories());
                }));
    }

    public void showInfo(String message) {
        notify(Icon.INFO, message);
    }

    private void notify(Icon icon, String message) {
        notifications.setGraphic(icon.graphic(18));
        notifications.show(message);
        notificationTimer.setOnFinished(e -> { if (message.equals(notifications.getText())) notifications.hide(); });
        notificationTimer.playFromStart();
    }

    public void setTheme(boolean darkTheme) {
        dark = darkTheme;
        Application.setUserAgentStylesheet(darkTheme ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
    }

    private CrashesWindow crashesWindow;

    /** The crash inbox over {@code directories} (File → Crashes on this machine), listed afresh; one window, reused. */
    public CrashesWindow showCrashes(List<Path> directories) {
        if (crashesWindow == null || !crashesWindow.action().directories().equals(directories)) {
            if (crashesWindow != null) crashesWindow.stage().close();
            crashesWindow = new CrashesWindow(stage, engine, bridge, directories, core -> open(core, Optional.empty(), Optional.empty()),
                    this::showError, stage.getScene().getStylesheets());
        }
        crashesWindow.show();
        return crashesWindow;
    }

    public StatusBar status() { return status; }

    public Stage stage() { return stage; }

    public FxEventBridge bridge() { return bridge; }

    public OpenDumpAction openDumpAction() { return openDump; }

    /** Writes the layout (window size and place, dividers, tabs, summary folded) to the configuration directory. */
    public void saveLayout() {
        WindowSize.save(stage, layout);
        workbench.save(layout);
        try {
            layout.save();
        } catch (IOException e) {
            System.err.println("sextant: cannot save the window layout to " + layout.file() + ": " + e.getMessage());
        }
    }

    public Workbench workbench() { return workbench; }

    public ParallelStacksView parallelStacks() { return parallelView; }

    public ThreadsView threadsView() { return threadsView; }

    public void show() {
        stage.show();
        FxThread.later(() -> threadsView.kit().table().requestFocus());
    }
}
