package dev.sextant.app.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumnBase;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.text.Text;

/**
 * Looks at what is drawn, not at the models: in every table that is showing, every column has a
 * header that is drawn whole, no cell of a key column is drawn elided ("…", or cut to nothing), and
 * in the Memory view every byte cell of a row shows two characters; no byte cell and no key column among a
 * table's first four is cut by its pane's edge (the pane too narrow for it); a pane's title line fits;
 * text boxes keep a usable width.
 * Returns the problems found, each naming the table, the column and the text.
 */
final class LookCheck {
    /** Columns whose text must always show whole at the default size (long paths and names may elide elsewhere). */
    static final Set<String> KEY_COLUMNS = Set.of("TID", "Name", "State", "Signal", "Frames", "#", "PC", "Function", "Base", "Size",
            "Build-id", "Address", "Value", "Hex", "Decimal", "Register", "Flags", "Argument", "Kind", "Hits", "Enabled", "Location",
            "Tag", "Component", "Found", "Found by", "Time", "Severity", "Module");

    private LookCheck() {}

    static List<String> problems(Parent root) {
        List<String> out = new ArrayList<>();
        for (Node n : root.lookupAll(".table-view")) {
            if (n instanceof TableView<?> t && showing(t)) table(t, out);
        }
        for (Node n : root.lookupAll(".label")) {
            // a pane's title line (the Source view's "Frame 0 · main · thread 7 · demo.c:12") must fit its pane
            if (n instanceof Labeled l && n.getId() != null && n.getId().endsWith("-title") && showing(l) && elided(l)) {
                out.add("title " + id(l) + " \"" + l.getText() + "\" drawn as \"" + drawn(l) + "\"");
            }
        }
        for (Node n : root.lookupAll(".text-field")) {
            if (n instanceof TextField f && showing(f) && f.getWidth() < Math.min(f.getPrefWidth(), 150) - 0.5) {
                out.add("text box " + id(f) + " (" + f.getPromptText() + ") is " + Math.round(f.getWidth()) + " px wide, narrower than "
                        + Math.round(f.getPrefWidth()));
            }
        }
        return out;
    }

    private static void table(TableView<?> t, List<String> out) {
        String table = id(t);
        for (TableColumnBase<?, ?> c : t.getVisibleLeafColumns()) {
            if ((c.getText() == null || c.getText().isBlank()) && c.getGraphic() == null) {
                out.add(table + ": a column without a header (" + Math.round(c.getWidth()) + " px)");
            }
        }
        for (Node h : t.lookupAll(".column-header")) {
            for (Node l : ((Parent) h).getChildrenUnmodifiable()) {
                if (l instanceof Labeled label && showing(label) && elided(label)) {
                    out.add(table + ": header \"" + label.getText() + "\" drawn as \"" + drawn(label) + "\"");
                }
            }
        }
        boolean memory = "memory-table".equals(t.getId());
        double viewRight = viewportRight(t);
        // The columns a user reads first: the first four with a header (a further column may well need a scroll).
        List<Object> leading = new ArrayList<>(t.getVisibleLeafColumns().stream()
                .filter(c -> c.getText() != null && !c.getText().isBlank()).limit(4).toList());
        for (Node n : t.lookupAll(".table-cell")) {
            if (!(n instanceof TableCell<?, ?> cell) || !showing(cell) || cell.isEmpty() || cell.getTableColumn() == null) continue;
            String column = cell.getTableColumn().getText();
            boolean byteColumn = memory && column != null && column.matches("[0-9a-f]{2}");
            if (byteColumn && (cell.getText() == null || cell.getText().strip().length() != 2 || elided(cell))) {
                out.add(table + ": byte column " + column + " shows \"" + drawn(cell) + "\" (" + Math.round(cell.getWidth()) + " px wide)");
            } else if ("??".equals(cell.getText()) && !memory) {
                out.add(table + ": column " + column + " says \"??\" (say what is known: module!address, as the command line does)");
            } else if ((byteColumn || KEY_COLUMNS.contains(column)) && elided(cell)) {
                out.add(table + ": column " + column + " (" + Math.round(cell.getWidth()) + " px) draws \"" + cell.getText() + "\" as \""
                        + drawn(cell) + "\"");
            } else if ((byteColumn || (KEY_COLUMNS.contains(column) && leading.contains(cell.getTableColumn()))) && cut(cell, viewRight)) {
                out.add(table + ": column " + column + " is cut by the pane's right edge (\"" + cell.getText() + "\" needs "
                        + Math.round(textNode(cell).localToScene(textNode(cell).getLayoutBounds()).getMaxX() - viewRight) + " px more)");
            }
        }
    }

    /** Where the table's rows stop being drawn on the right, in scene coordinates (its vertical scroll bar excluded). */
    private static double viewportRight(TableView<?> t) {
        Node clip = t.lookup(".clipped-container");
        Node n = clip != null ? clip : t;
        return n.localToScene(n.getLayoutBounds()).getMaxX();
    }

    /** A cell that starts inside the visible part of its table but ends outside it: its text is cut off by the pane's edge. */
    private static boolean cut(TableCell<?, ?> cell, double viewRight) {
        Text text = textNode(cell);
        if (text == null || text.getText().isEmpty()) return false;
        Bounds b = text.localToScene(text.getLayoutBounds());
        return b.getMinX() < viewRight - 1 && b.getMaxX() > viewRight + 1;
    }

    private static Text textNode(Labeled l) {
        for (Node n : l.getChildrenUnmodifiable()) if (n instanceof Text t && n.getClass().getSimpleName().equals("LabeledText")) return t;
        return null;
    }

    /** The text a Labeled draws: its skin's Text node ("" when nothing is drawn). */
    static String drawn(Labeled l) {
        // the skin's LabeledText, not a graphic (an icon font's glyph is a Text too)
        for (Node n : l.getChildrenUnmodifiable()) if (n instanceof Text t && n.getClass().getSimpleName().equals("LabeledText")) return t.getText();
        return "";
    }

    static boolean elided(Labeled l) {
        String text = l.getText();
        if (text == null || text.isEmpty()) return false;
        return !drawn(l).equals(text);
    }

    static boolean showing(Node n) {
        if (n.getScene() == null) return false;
        for (Node p = n; p != null; p = p.getParent()) if (!p.isVisible()) return false;
        return n.getLayoutBounds().getWidth() > 0;
    }

    private static String id(Node n) { return n.getId() == null ? n.getClass().getSimpleName() : "#" + n.getId(); }
}
