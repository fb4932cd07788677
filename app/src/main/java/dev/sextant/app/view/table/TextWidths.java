package dev.sextant.app.view.table;

import java.util.HashMap;
import java.util.Map;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;

/**
 * Widths of texts in the tables' font (the theme's 14 px where no cell is drawn yet), for columns
 * that must be as wide as what they show. Cell texts are measured once: a text's layout costs the
 * FX thread 20-50 us, and a table whose rows change often (the Modules view while 200 modules load
 * symbols) would otherwise measure every sampled cell again at each change, up to 90 ms of one pulse.
 * FX thread only.
 */
public final class TextWidths {
    /** Bounds the cache: a table of ever new texts (addresses, counts) is measured again rather than kept. */
    private static final int MEASURED_MAX = 16_384;
    private final Text probe = new Text();
    private final Map<String, Double> measured = new HashMap<>();
    private Font normal, bold;

    /** The width of a cell's text. */
    public double cell(String s) {
        if (measured.size() > MEASURED_MAX) measured.clear();
        return measured.computeIfAbsent(s, t -> width(t, false));
    }

    /** The width of a column header's text (bold). */
    public double heading(String s) { return width(s, true); }

    private double width(String s, boolean heading) {
        if (normal == null) {
            double size = Math.max(14, Font.getDefault().getSize());
            normal = Font.font(Font.getDefault().getFamily(), FontWeight.NORMAL, size);
            bold = Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, size);
        }
        Font f = heading ? bold : normal;
        if (probe.getFont() != f) probe.setFont(f);
        probe.setText(s);
        return probe.getLayoutBounds().getWidth();
    }
}
