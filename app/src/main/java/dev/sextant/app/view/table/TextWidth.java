package dev.sextant.app.view.table;

import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;

/** How wide a text is drawn in a table cell, measured off-scene (for columns sized to their widest text). FX thread. */
public final class TextWidth {
    private static final Text PLAIN = new Text();
    private static final Text BOLD = new Text();

    static {
        BOLD.setFont(Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, Font.getDefault().getSize()));
    }

    private TextWidth() {}

    /** Pixels, with a margin: the theme's font is a little larger than the default one measured here. */
    public static double of(String text, boolean bold) {
        Text t = bold ? BOLD : PLAIN;
        t.setText(text);
        return 1.15 * t.getLayoutBounds().getWidth();
    }
}
