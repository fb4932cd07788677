package dev.sextant.app.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * in the Memory view every byte cell of a row shows two characters; text boxes keep a usable width.
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
            }
        }
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
