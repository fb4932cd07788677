package dev.sextant.app.view.source;

import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Polygon;
import org.fxmisc.richtext.CodeArea;

/**
 * The Source view's gutter, one cell per visible line: the line number, a breakpoint dot (click
 * the cell to set or clear one) and an arrow where a frame of the thread is (filled for the current
 * frame). RichTextFX asks for cells only for the lines on screen.
 */
public final class Gutter {
    private final CodeArea area;
    private final IntConsumer onClick;
    private Map<Integer, Boolean> pcLines = Map.of();
    private Map<Integer, Integer> breakpoints = Map.of();
    private int digits = 3;

    Gutter(CodeArea area, IntConsumer onClick) {
        this.area = area;
        this.onClick = onClick;
        area.setParagraphGraphicFactory(factory());
    }

    void update(Map<Integer, Boolean> pcs, Map<Integer, Integer> bps, int line) {
        int d = Math.max(3, String.valueOf(area.getParagraphs().size()).length());
        if (pcs.equals(pcLines) && bps.equals(breakpoints) && d == digits) return;
        pcLines = pcs;
        breakpoints = bps;
        digits = d;
        area.setParagraphGraphicFactory(factory());      // redraws the cells on screen
    }

    /** Whether line {@code line} (1-based) shows a breakpoint dot now. */
    public boolean hasBreakpoint(int line) { return breakpoints.containsKey(line); }

    /** Whether line {@code line} shows a frame marker now (true: the current frame's). */
    public java.util.Optional<Boolean> frameMarker(int line) { return java.util.Optional.ofNullable(pcLines.get(line)); }

    /** What a click on line {@code line}'s gutter cell does (for keyboard users and tests too). */
    public void click(int line) { onClick.accept(line); }

    private IntFunction<Node> factory() {
        Map<Integer, Boolean> pcs = pcLines;
        Map<Integer, Integer> bps = breakpoints;
        String format = "%" + digits + "d";
        return paragraph -> {
            int line = paragraph + 1;
            Label number = new Label(String.format(format, line));
            number.getStyleClass().add("gutter-number");
            Circle dot = new Circle(5);
            dot.getStyleClass().add("gutter-breakpoint");
            dot.setVisible(bps.containsKey(line));
            Polygon arrow = new Polygon(0, 0, 9, 5, 0, 10);
            Boolean current = pcs.get(line);
            arrow.getStyleClass().add(Boolean.TRUE.equals(current) ? "gutter-pc-current" : "gutter-pc");
            arrow.setVisible(current != null);
            HBox cell = new HBox(4, dot, arrow, number);
            cell.setAlignment(Pos.CENTER_LEFT);
            cell.getStyleClass().add("gutter");
            cell.setId("gutter-" + line);
            cell.setOnMouseClicked(e -> onClick.accept(line));
            return cell;
        };
    }
}
