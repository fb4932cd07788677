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
        // Follow the tail while the user has not scrolled away (no selection).
        model.rows().addListener((javafx.collections.ListChangeListener<SymbolLogRow>) c -> {
            if (kit.table().getSelectionModel().isEmpty() && !kit.table().getItems().isEmpty()) {
                kit.table().scrollTo(kit.table().getItems().size() - 1);
            }
        });
    }

    public Node node() { return kit.node(); }

    public TableKit<SymbolLogRow> kit() { return kit; }
}
