package dev.sextant.app.view.source;

import java.util.Map;
import java.util.WeakHashMap;
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
    /** The cells on screen now, by line (1-based): a step updates their marks in place, no cell is rebuilt. */
    private final Map<HBox, Integer> live = new WeakHashMap<>();

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
        if (d != digits) {
            digits = d;
            live.clear();
            area.setParagraphGraphicFactory(factory());      // redraws the cells on screen
            return;
        }
        // A step moves only the marks: the factory reads the fields, the cells on screen are set again.
        live.forEach(this::mark);
    }

    private void mark(HBox cell, int line) {
        cell.getChildren().get(0).setVisible(breakpoints.containsKey(line));
        Node arrow = cell.getChildren().get(1);
        Boolean current = pcLines.get(line);
        arrow.getStyleClass().setAll(Boolean.TRUE.equals(current) ? "gutter-pc-current" : "gutter-pc");
        arrow.setVisible(current != null);
    }

    /** Whether line {@code line} (1-based) shows a breakpoint dot now. */
    public boolean hasBreakpoint(int line) { return breakpoints.containsKey(line); }

    /** Whether line {@code line} shows a frame marker now (true: the current frame's). */
    public java.util.Optional<Boolean> frameMarker(int line) { return java.util.Optional.ofNullable(pcLines.get(line)); }

    /** What a click on line {@code line}'s gutter cell does (for keyboard users and tests too). */
    public void click(int line) { onClick.accept(line); }

    private IntFunction<Node> factory() {
        String format = "%" + digits + "d";
        return paragraph -> {
            int line = paragraph + 1;
            Label number = new Label(String.format(format, line));
            number.getStyleClass().add("gutter-number");
            Circle dot = new Circle(5);
            dot.getStyleClass().add("gutter-breakpoint");
            Polygon arrow = new Polygon(0, 0, 9, 5, 0, 10);
            HBox cell = new HBox(4, dot, arrow, number);
            cell.setAlignment(Pos.CENTER_LEFT);
            cell.getStyleClass().add("gutter");
            cell.setId("gutter-" + line);
            cell.setOnMouseClicked(e -> onClick.accept(line));
            mark(cell, line);
            live.put(cell, line);
            return cell;
        };
    }
}
