package dev.sextant.app.view.threads;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.Tid;
import dev.sextant.icons.Icon;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;

/** The Threads table: crashed thread first and marked; selecting a thread shows its call stack. */
public final class ThreadsView {
    private final TableKit<ThreadRow> kit;
    private final ThreadGroupsView grouped;
    private final CheckBox group = new CheckBox("Group identical");
    private final VBox node;
    private long seenGeneration = -1;
    private Tid lastSelected;

    public ThreadsView(ThreadsModel model, Consumer<Tid> onSelect) {
        kit = new TableKit<>("threads", model.rows(), ThreadRow::searchText);
        TableColumn<ThreadRow, ThreadRow> mark = kit.column("", r -> r, 28);
        mark.setSortable(false);
        mark.setGraphic(Icon.THREAD.graphic());          // a header for the marker column: the crashed or stopped thread
        mark.setCellFactory(c -> new TableCell<>() {
            @Override protected void updateItem(ThreadRow row, boolean empty) {
                super.updateItem(row, empty);
                setGraphic(empty || row == null ? null : row.crashed() ? Icon.CRASHED_THREAD.graphic()
                        : row.stopped() ? Icon.STOPPED_THREAD.graphic() : null);
                setText(null);
            }
        });
        mark.setMinWidth(30);
        kit.column("TID", r -> r.tid().value(), 66);
        kit.column("Name", ThreadRow::name, 100);
        kit.column("State", ThreadRow::state, 84);   // "stopped", "running" whole at the default font
        kit.column("Signal", ThreadRow::signal, 80);
        kit.column("Location", ThreadRow::location, 220);
        kit.column("Source", ThreadRow::source, 260);
        kit.column("Frames", ThreadRow::frames, 60);
        kit.table().setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(ThreadRow row, boolean empty) {
                super.updateItem(row, empty);
                pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("crashed"), !empty && row != null && row.crashed());
            }
        });
        kit.table().getSelectionModel().selectedItemProperty().addListener((o, a, row) -> {
            if (row != null) {
                lastSelected = row.tid();
                onSelect.accept(row.tid());
            }
        });
        grouped = new ThreadGroupsView(model, onSelect);
        group.setId("threads-group");
        group.setTooltip(new Tooltip("Threads with the same stack (same pcs) as one row with their count; expand a row for its threads"));
        StackPane content = new StackPane(kit.node());
        group.selectedProperty().addListener((o, a, on) -> content.getChildren().setAll(on ? grouped.tree() : kit.node()));
        VBox.setVgrow(content, Priority.ALWAYS);
        node = new VBox(4, group, content);
        model.rows().addListener((javafx.collections.ListChangeListener<ThreadRow>) ch -> {
            // A new list (a dump opened, a live stop) shows its first thread: the one that crashed or stopped.
            // Rows replaced by updates (stacks arriving) keep the thread the user chose.
            boolean fresh = model.generation() != seenGeneration;
            seenGeneration = model.generation();
            if (kit.table().getItems().isEmpty() || (!fresh && kit.table().getSelectionModel().getSelectedItem() != null)) return;
            if (!fresh && lastSelected != null && reveal(lastSelected)) return;
            kit.table().getSelectionModel().clearSelection();
            kit.table().getSelectionModel().select(model.rows().get(0));
        });
    }

    /** Selects {@code tid}'s row (as a click would) and shows it; false when the filter hides it. */
    public boolean reveal(Tid tid) {
        var items = kit.table().getItems();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).tid().equals(tid)) {
                kit.table().getSelectionModel().clearAndSelect(i);
                kit.table().scrollTo(Math.max(0, i - 3));
                return true;
            }
        }
        return false;
    }

    public Node node() { return node; }

    /** The "group identical" toggle. */
    public CheckBox groupToggle() { return group; }

    /** The grouped rows shown when the toggle is on. */
    public TreeTableView<ThreadGroupRow> groupedTree() { return grouped.tree(); }

    public TableKit<ThreadRow> kit() { return kit; }
}
