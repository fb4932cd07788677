package dev.sextant.app.view.table;

import dev.sextant.app.view.FxThread;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

/**
 * Keeps columns at least as wide as what they show: a header's text is its column's minimum width,
 * and a fitted column grows (never shrinks: a width the user chose stays) to its widest cell among
 * the first {@link #SAMPLE} rows, measured once per pulse at most, after rows change.
 */
final class ColumnFitter<R> {
    /** How many rows are measured: the table's first screens, and a bounded cost per change. */
    static final int SAMPLE = 400;
    /** A cell's padding with room for an icon, and a header's with room for the sort arrow, in px (AtlantaFX, dense tables). */
    static final double CELL_PAD = 44, HEADER_PAD = 30;
    private final TableView<R> table;
    private final Map<TableColumn<R, ?>, Double> fitted = new LinkedHashMap<>();
    private final TextWidths widths = new TextWidths();
    private boolean queued;

    ColumnFitter(TableView<R> table) {
        this.table = table;
        table.getItems().addListener((ListChangeListener<R>) c -> queue());
    }

    void header(TableColumn<R, ?> c) {
        if (c.getText() == null || c.getText().isEmpty()) return;
        c.setMinWidth(Math.max(c.getMinWidth(), widths.heading(c.getText()) + HEADER_PAD));
        if (c.getPrefWidth() < c.getMinWidth()) c.setPrefWidth(c.getMinWidth());
    }

    void fit(TableColumn<R, ?> c, double max) {
        if (c.getText() == null || c.getText().isEmpty()) return;      // icon columns keep their width
        fitted.put(c, max);
        queue();
    }

    private void queue() {
        if (queued || fitted.isEmpty()) return;
        queued = true;
        FxThread.later(this::measure);
    }

    private void measure() {
        queued = false;
        int n = Math.min(SAMPLE, table.getItems().size());
        for (var e : fitted.entrySet()) {
            TableColumn<R, ?> c = e.getKey();
            double widest = 0;
            for (int i = 0; i < n; i++) {
                Object v = c.getCellData(i);
                if (v != null) widest = Math.max(widest, widths.cell(v.toString()));
            }
            double want = Math.min(e.getValue(), Math.ceil(widest + CELL_PAD));
            if (want > c.getPrefWidth()) c.setPrefWidth(want);
        }
    }
}
