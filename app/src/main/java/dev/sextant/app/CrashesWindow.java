package dev.sextant.app;

import dev.sextant.app.action.CrashesAction;
import dev.sextant.app.view.crashes.CrashesModel;
import dev.sextant.app.view.crashes.CrashesView;
import dev.sextant.engine.api.Engine;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.Scene;
import javafx.stage.DirectoryChooser;
import javafx.stage.Stage;

/** File → Crashes on this machine: the crash inbox in a window of its own beside the main one. */
public final class CrashesWindow {
    private final Stage stage = new Stage();
    private final CrashesModel model = new CrashesModel();
    private final CrashesAction action;
    private final CrashesView view;

    CrashesWindow(Stage owner, Engine engine, FxEventBridge bridge, List<Path> directories, Consumer<Path> open,
                  Consumer<String> notify, List<String> stylesheets) {
        action = new CrashesAction(engine, model, directories, notify);
        view = new CrashesView(model, new CrashesView.Intents() {
            @Override public void refresh() { action.refresh(); }
            @Override public void addFolder() {
                DirectoryChooser c = new DirectoryChooser();
                c.setTitle("Add a folder of cores");
                File dir = c.showDialog(stage);
                if (dir != null) action.addDirectory(dir.toPath());
            }
            @Override public void cancel() { action.cancel(); }
            @Override public void open(Path core) {
                open.accept(core);
                owner.toFront();
            }
        });
        action.attach(view);
        bridge.addModel(action::apply);
        Scene scene = new Scene(view.node(), 1180, 640);
        scene.getStylesheets().addAll(stylesheets);
        stage.setScene(scene);
        stage.setTitle("Crashes on this machine — Sextant");
        stage.initOwner(owner);
    }

    /** Shows the window and lists the crashes again. */
    public void show() {
        stage.show();
        stage.toFront();
        action.refresh();
    }

    public Stage stage() { return stage; }

    public CrashesAction action() { return action; }

    public CrashesView view() { return view; }
}
