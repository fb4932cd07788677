package dev.sextant.app.view.source;

import dev.sextant.app.view.registers.RegistersModel;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.app.action.SourceActions;
import dev.sextant.engine.api.Tid;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.css.PseudoClass;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;

/**
 * Frame selection across views: a row picked in the Call stack (mouse, Up/Down) becomes the
 * current frame; the current frame's row is marked and selected in the Call stack; the Registers
 * view shows the frame's registers as unwound (frame 0: the thread's own).
 */
public final class FrameNavigator {
    private static final PseudoClass CURRENT = PseudoClass.getPseudoClass("current-frame");
    private final CurrentFrame frames;
    private final TableView<FrameRow> table;
    private boolean syncing;
    /** The table's rows (weakly: the table drops them as it likes): their "current frame" mark moves with the frame. */
    private final Map<TableRow<FrameRow>, Boolean> rows = new WeakHashMap<>();

    /**
     * @param thread the thread whose stack the table shows
     * @param status where "frame N: function at file:line" is said when the user moves
     */
    public FrameNavigator(CurrentFrame frames, TableView<FrameRow> table, Supplier<Optional<Tid>> thread, RegistersModel registers,
                          SourceActions actions, Consumer<String> status) {
        this.frames = frames;
        this.table = table;
        table.getStylesheets().add(FrameNavigator.class.getResource("source.css").toExternalForm());
        table.setRowFactory(t -> {
            TableRow<FrameRow> r = new TableRow<>() {
                @Override protected void updateItem(FrameRow row, boolean empty) {
                    super.updateItem(row, empty);
                    markCurrent(this);
                }
            };
            rows.put(r, Boolean.TRUE);
            return r;
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, a, row) -> {
            if (syncing || row == null || thread.get().isEmpty()) return;
            frames.select(thread.get().get(), row.index());
        });
        frames.current().addListener((o, a, now) -> {
            rows.keySet().forEach(FrameNavigator.this::markCurrent);     // not table.refresh(): that rebuilds every cell
            now.ifPresent(s -> {
                selectRow(s.index());
                if (a.isPresent() && a.get().tid().equals(s.tid()) && a.get().stopId() == s.stopId() && a.get().index() != s.index()) {
                    status.accept("Thread " + s.tid() + ", " + s.describe());
                }
                // The stack of the stop that was just selected arrived (same thread, frame and stop): the
                // registers shown, and the SSE ones asked for, are those of this frame already.
                if (a.isPresent() && a.get().tid().equals(s.tid()) && a.get().index() == s.index() && a.get().stopId() == s.stopId()
                        && (s.index() == 0 || a.get().frames().equals(s.frames()))) return;
                if (s.index() == 0 || s.frames().isEmpty()) {
                    registers.select(s.tid());
                } else {
                    actions.frameRegisters(s.tid(), s.index(), r -> {
                        if (frames.current().get().map(c -> c.tid().equals(r.tid()) && c.index() == r.frame()).orElse(false)) registers.showFrame(r);
                    }, err -> registers.showFrameError(s.tid(), s.index(), err.getMessage()));
                }
                // xmm0–xmm15 and mxcsr: frame 0's read, callers' not saved; none where the target has no such state.
                actions.sseRegisters(s.tid(), s.index(), registers::showSse, err -> { });
            });
        });
        table.getItems().addListener((javafx.collections.ListChangeListener<FrameRow>) c ->
                frames.current().get().ifPresent(s -> selectRow(s.index())));
    }

    private void markCurrent(TableRow<FrameRow> r) {
        FrameRow row = r.getItem();
        r.pseudoClassStateChanged(CURRENT, !r.isEmpty() && row != null && isCurrent(row));
    }

    private boolean isCurrent(FrameRow row) {
        return frames.current().get().map(s -> s.index() == row.index()).orElse(false);
    }

    private void selectRow(int index) {
        for (int i = 0; i < table.getItems().size(); i++) {
            if (table.getItems().get(i).index() == index) {
                if (table.getSelectionModel().getSelectedIndex() != i) {
                    syncing = true;
                    try {
                        table.getSelectionModel().clearAndSelect(i);
                    } finally {
                        syncing = false;
                    }
                    table.scrollTo(Math.max(0, i - 3));
                }
                return;
            }
        }
    }
}
