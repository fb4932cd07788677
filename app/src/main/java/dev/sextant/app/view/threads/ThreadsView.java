package dev.sextant.app.view.threads;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.Tid;
import dev.sextant.icons.Icon;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;

/** The Threads table: crashed thread first and marked; selecting a thread shows its call stack. */
public final class ThreadsView {
    private final TableKit<ThreadRow> kit;

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
            if (row != null) onSelect.accept(row.tid());
        });
        model.rows().addListener((javafx.collections.ListChangeListener<ThreadRow>) ch -> {
            boolean whole = false;
            while (ch.next()) whole |= ch.getFrom() == 0 && ch.getTo() == model.rows().size() && ch.getAddedSize() > 1;
            // A new list (a dump opened, a live stop) shows its first thread: the one that crashed or stopped.
            if ((whole || kit.table().getSelectionModel().getSelectedItem() == null) && !kit.table().getItems().isEmpty()) {
                kit.table().getSelectionModel().clearSelection();
                kit.table().getSelectionModel().select(model.rows().get(0));
            }
        });
    }

    public Node node() { return kit.node(); }

    public TableKit<ThreadRow> kit() { return kit; }
}
