package dev.sextant.app.view.crashes;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.icons.Icon;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The crash inbox: signature groups (count, signature, program, signal, last and first seen) above
 * the crashes of the selected group. A double click or Enter on a crash opens it, on a group opens
 * its newest crash. Refresh lists again; a progress bar with Cancel shows the signatures being computed.
 */
public final class CrashesView {
    /** What the user asks for; the view holds no engine. */
    public interface Intents {
        void refresh();

        void addFolder();

        void cancel();

        void open(Path core);
    }

    private final VBox node;
    private final Label message = new Label();
    private final ProgressBar progress = new ProgressBar(0);
    private final Button cancel = new Button("Cancel", Icon.CANCEL.graphic());
    private final TableKit<CrashGroupRow> groups;
    private final TableKit<CrashRow> crashes;

    public CrashesView(CrashesModel model, Intents intents) {
        groups = new TableKit<>("crash-groups", model.groups(), CrashGroupRow::searchText);
        groups.column("Count", CrashGroupRow::count, 70);
        groups.column("Signature", CrashGroupRow::signature, 420);
        groups.column("Program", CrashGroupRow::program, 120);
        groups.column("Signal", CrashGroupRow::signal, 80);
        groups.column("Last seen", CrashGroupRow::last, 200);
        groups.column("First seen", CrashGroupRow::first, 200);
        groups.column("Unnamed frames", CrashGroupRow::unnamed, 130);
        groups.column("Hash", CrashGroupRow::hash, 150);
        groups.addRowAction("Open newest crash", Icon.OPEN_DUMP.graphic(), g -> intents.open(g.group().crashes().get(0).file()));
        crashes = new TableKit<>("crashes", model.crashes(), CrashRow::searchText);
        crashes.column("Time", CrashRow::time, 200);
        crashes.column("PID", CrashRow::pid, 70);
        crashes.column("UID", CrashRow::uid, 60);
        crashes.column("Signal", CrashRow::signal, 80);
        crashes.column("Size", CrashRow::size, 80);
        crashes.column("Host", CrashRow::host, 110);
        crashes.column("Command line", CrashRow::commandLine, 420);
        crashes.column("File", CrashRow::file, 900);
        crashes.addRowAction("Open crash", Icon.OPEN_DUMP.graphic(), r -> intents.open(r.path()));
        groups.table().getSelectionModel().selectedItemProperty().addListener((o, a, g) ->
                model.select(Optional.ofNullable(g).map(CrashGroupRow::group)));
        onOpen(groups.table(), g -> intents.open(g.group().crashes().get(0).file()));
        onOpen(crashes.table(), r -> intents.open(r.path()));

        Button refresh = new Button("Refresh (F5)");
        refresh.setId("crashes-refresh");
        refresh.setOnAction(e -> intents.refresh());
        Button add = new Button("Add folder…", Icon.OPEN_DUMP.graphic());
        add.setId("crashes-add-folder");
        add.setOnAction(e -> intents.addFolder());
        cancel.setId("crashes-cancel");
        cancel.setOnAction(e -> intents.cancel());
        message.setId("crashes-message");
        progress.setId("crashes-progress");
        progress.setPrefWidth(200);
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox bar = new HBox(8, refresh, add, message, spring, progress, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        SplitPane split = new SplitPane(groups.node(), crashes.node());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        VBox.setVgrow(split, Priority.ALWAYS);
        node = new VBox(6, bar, split);
        node.setStyle("-fx-padding: 8;");
        node.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.F5) { intents.refresh(); e.consume(); }
            if (e.getCode() == KeyCode.ESCAPE && cancel.isVisible()) { intents.cancel(); e.consume(); }
        });
        idle("");
    }

    private static <R> void onOpen(TableView<R> table, Consumer<R> open) {
        table.setOnMouseClicked(e -> {
            R r = table.getSelectionModel().getSelectedItem();
            if (r != null && e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) open.accept(r);
        });
        table.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            R r = table.getSelectionModel().getSelectedItem();
            if (r != null && e.getCode() == KeyCode.ENTER) { open.accept(r); e.consume(); }
        });
    }

    /** Listing or computing signatures: {@code done} of {@code total} cores (total 0: not known yet). */
    public void busy(String text, long done, long total) {
        message.setText(text);
        progress.setProgress(total > 0 ? (double) done / total : ProgressBar.INDETERMINATE_PROGRESS);
        progress.setVisible(true);
        cancel.setVisible(true);
    }

    public void idle(String text) {
        message.setText(text);
        progress.setVisible(false);
        cancel.setVisible(false);
    }

    public TableView<CrashGroupRow> groupsTable() { return groups.table(); }

    public TableView<CrashRow> crashesTable() { return crashes.table(); }

    public javafx.scene.Parent node() { return node; }
}
