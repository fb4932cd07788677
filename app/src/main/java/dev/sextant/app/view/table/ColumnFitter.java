package dev.sextant.app.view.table;

import dev.sextant.app.view.FxThread;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

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
    private final Text probe = new Text();
    private boolean queued;

    ColumnFitter(TableView<R> table) {
        this.table = table;
        table.getItems().addListener((ListChangeListener<R>) c -> queue());
    }

    void header(TableColumn<R, ?> c) {
        if (c.getText() == null || c.getText().isEmpty()) return;
        c.setMinWidth(Math.max(c.getMinWidth(), width(c.getText(), true) + HEADER_PAD));
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
                if (v != null) widest = Math.max(widest, width(v.toString(), false));
            }
            double want = Math.min(e.getValue(), Math.ceil(widest + CELL_PAD));
            if (want > c.getPrefWidth()) c.setPrefWidth(want);
        }
    }

    /**
     * Cell texts measured before: a step changes a few of a table's texts (a register's value, a
     * frame's pc), and laying out a {@code Text} for each of the others again at every change was
     * most of the measuring.
     */
    private final Map<String, Double> measured = new java.util.HashMap<>();
    static final int MEASURED_MAX = 20_000;

    /** The width of {@code s} in the table's font (the theme's 14 px where no cell is drawn yet). */
    private double width(String s, boolean bold) {
        if (!bold) {
            Double w = measured.get(s);
            if (w != null) return w;
        }
        Font f = Font.font(Font.getDefault().getFamily(), bold ? javafx.scene.text.FontWeight.BOLD : javafx.scene.text.FontWeight.NORMAL,
                Math.max(14, Font.getDefault().getSize()));
        probe.setFont(f);
        probe.setText(s);
        double w = probe.getLayoutBounds().getWidth();
        if (!bold) {
            if (measured.size() >= MEASURED_MAX) measured.clear();
            measured.put(s, w);
        }
        return w;
    }
}
