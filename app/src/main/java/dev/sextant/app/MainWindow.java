package dev.sextant.app;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.sextant.app.action.OpenDumpAction;
import dev.sextant.app.action.BindAction;
import dev.sextant.app.view.bind.BindModel;
import dev.sextant.app.view.bind.BindView;
import dev.sextant.app.view.dumpdata.DumpDataModel;
import dev.sextant.app.view.dumpdata.DumpDataView;
import dev.sextant.app.view.modules.ModulesModel;
import dev.sextant.app.view.modules.ModulesView;
import dev.sextant.app.view.registers.RegistersModel;
import dev.sextant.app.view.registers.RegistersView;
import dev.sextant.app.view.stack.CallStackView;
import dev.sextant.app.view.stack.StackModel;
import dev.sextant.app.view.status.StatusBar;
import dev.sextant.app.view.summary.SummaryModel;
import dev.sextant.app.view.summary.SummaryView;
import dev.sextant.app.view.threads.ThreadsModel;
import dev.sextant.app.view.threads.ThreadsView;
import dev.sextant.engine.api.Engine;
import dev.sextant.icons.Icon;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
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
    private final BindAction bindAction;
    private final TabPane bottom;
    private final Tab bindTab;
    private final StatusBar status = new StatusBar();
    private final FxEventBridge bridge;
    private final OpenDumpAction openDump;
    private final NotificationPane notifications;
    private final ThreadsView threadsView;
    private final CallStackView stackView;
    private final ModulesView modulesView;
    private boolean dark;

    public MainWindow(Stage stage, Engine engine, boolean darkTheme) {
        this.stage = stage;
        bridge = new FxEventBridge(List.of(summary::apply, threads::apply, stack::apply, modules::apply, registers::apply, dumpData::apply, bind::apply,
                status::apply));
        engine.addListener(bridge);
        threadsView = new ThreadsView(threads, tid -> {
            stack.select(tid);
            registers.select(tid);
        });
        stackView = new CallStackView(stack);
        bindAction = new BindAction(bridge, status, this::showError);
        modulesView = new ModulesView(modules, file -> bind(Path.of(file)));

        SplitPane middle = new SplitPane(titled("Threads", threadsView.node()), titled("Call stack", stackView.node()));
        middle.setDividerPositions(0.42);
        bindTab = new Tab("Bind", new BindView(bind).node());
        bottom = new TabPane(new Tab("Modules", modulesView.node()), new Tab("Registers", new RegistersView(registers).node()),
                new Tab("Dump data", new DumpDataView(dumpData).node()), bindTab);
        bottom.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        SplitPane body = new SplitPane(new SummaryView(summary).node(), middle, bottom);
        body.setOrientation(Orientation.VERTICAL);
        body.setDividerPositions(0.24, 0.72);
        notifications = new NotificationPane(body);
        notifications.setId("notifications");
        notifications.setShowFromTop(true);
        openDump = new OpenDumpAction(engine, status, this::showError);

        BorderPane root = new BorderPane(notifications);
        root.setTop(new VBox(menus(), toolbar()));
        root.setBottom(status.node());
        Scene scene = new Scene(root, 1280, 820);
        scene.getStylesheets().add(MainWindow.class.getResource("sextant.css").toExternalForm());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ESCAPE), () -> {
            if (status.isBusy()) status.cancel(); else notifications.hide();
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN), () -> threadsView.kit().table().requestFocus());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN), () -> stackView.kit().table().requestFocus());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN), () -> modulesView.kit().table().requestFocus());
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
    }

    private static VBox titled(String title, javafx.scene.Node content) {
        javafx.scene.control.Label l = new javafx.scene.control.Label(title);
        l.getStyleClass().add("title-4");
        VBox box = new VBox(4, l, content);
        box.setStyle("-fx-padding: 6;");
        VBox.setVgrow(content, javafx.scene.layout.Priority.ALWAYS);
        return box;
    }

    private MenuBar menus() {
        MenuItem open = new MenuItem("Open dump…", Icon.OPEN_DUMP.graphic());
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> chooseAndOpen(false));
        MenuItem openWithExe = new MenuItem("Open dump with executable…");
        openWithExe.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        openWithExe.setOnAction(e -> chooseAndOpen(true));
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
        MenuItem keys = new MenuItem("Keyboard shortcuts");
        keys.setOnAction(e -> showInfo("Ctrl+O open dump · Ctrl+Shift+O open with executable · Ctrl+F filter the focused table · "
                + "Ctrl+B bind an image · Ctrl+C copy selected rows · Ctrl+1/2/3 Threads/Call stack/Modules · Esc cancel · Ctrl+Shift+L dark theme · Ctrl+Q quit"));
        MenuBar bar = new MenuBar(new Menu("File", null, open, openWithExe, bindImage, new javafx.scene.control.SeparatorMenuItem(), quit),
                new Menu("View", null, darkItem), new Menu("Help", null, keys));
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private ToolBar toolbar() {
        Button open = new Button(null, Icon.OPEN_DUMP.graphic());
        open.setId("toolbar-open");
        open.setTooltip(new Tooltip("Open dump… (Ctrl+O)"));
        open.setOnAction(e -> chooseAndOpen(false));
        Button copy = new Button(null, Icon.COPY.graphic());
        copy.setTooltip(new Tooltip("Copy the call stack of the selected thread"));
        copy.setOnAction(e -> stackView.kit().copy(true));
        return new ToolBar(open, copy);
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
    public java.util.concurrent.CompletableFuture<dev.sextant.engine.api.DumpReport> open(Path core, Optional<Path> exe, Optional<Path> sysroot) {
        notifications.hide();
        return openDump.open(core, exe, sysroot);
    }

    /** Binds an image's imports in the Bind tab (nothing is executed). */
    public java.util.concurrent.CompletableFuture<dev.sextant.engine.bind.BindResult> bind(Path image) {
        bottom.getSelectionModel().select(bindTab);
        return bindAction.bind(image, false);
    }

    public void showError(String message) {
        notifications.setGraphic(Icon.WARNING.graphic(18));
        notifications.show(message);
    }

    public void showInfo(String message) {
        notifications.setGraphic(Icon.INFO.graphic(18));
        notifications.show(message);
    }

    public void setTheme(boolean darkTheme) {
        dark = darkTheme;
        Application.setUserAgentStylesheet(darkTheme ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
    }

    public StatusBar status() { return status; }

    public Stage stage() { return stage; }

    public FxEventBridge bridge() { return bridge; }

    public OpenDumpAction openDumpAction() { return openDump; }

    public void show() {
        stage.show();
        Platform.runLater(() -> threadsView.kit().table().requestFocus());
    }
}
