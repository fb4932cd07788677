package dev.sextant.app.view.symbollog;

import dev.sextant.app.view.table.TableKit;
import javafx.scene.Node;

/** The "Symbol load log" tab: every search step and message, with filter (Ctrl+F) and copy (Ctrl+C). */
public final class SymbolLogView {
    private final TableKit<SymbolLogRow> kit;

    public SymbolLogView(SymbolLogModel model) {
        kit = new TableKit<>("symbollog", model.rows(), SymbolLogRow::searchText);
        kit.column("Time", SymbolLogRow::time, 95);
        kit.column("Kind", SymbolLogRow::kind, 60);
        kit.column("Severity", SymbolLogRow::severity, 70);
        kit.column("Module", SymbolLogRow::module, 150);
        kit.column("Text", SymbolLogRow::text, 900);
        // Follow the tail while the user has not selected a row, and only while the tab is shown:
        // scrollTo lays the table out at once, which costs tens of milliseconds per batch in a
        // storm of search steps, for nobody to see.
        model.rows().addListener((javafx.collections.ListChangeListener<SymbolLogRow>) c -> {
            if (shown() && kit.table().getSelectionModel().isEmpty() && !kit.table().getItems().isEmpty()) {
                kit.table().scrollTo(kit.table().getItems().size() - 1);
            }
        });
    }

    private boolean shown() {
        for (javafx.scene.Node n = kit.node(); n != null; n = n.getParent()) if (!n.isVisible()) return false;
        return kit.node().getScene() != null;
    }

    public Node node() { return kit.node(); }

    public TableKit<SymbolLogRow> kit() { return kit; }
}
