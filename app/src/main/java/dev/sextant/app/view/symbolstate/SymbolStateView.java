package dev.sextant.app.view.symbolstate;

import dev.sextant.app.view.table.TableKit;
import javafx.scene.Node;

/** The symbol-state log: time, flags (filter by typing a flag name: LOADS, UNLOADS, SCOPE…), argument. */
public final class SymbolStateView {
    private final TableKit<SymbolStateRow> kit;

    public SymbolStateView(SymbolStateModel model) {
        kit = new TableKit<>("symbolstate", model.rows(), r -> r.flags() + " " + r.argument());
        kit.column("#", SymbolStateRow::sequence, 60);
        kit.column("Time", SymbolStateRow::time, 100);
        kit.column("Flags", SymbolStateRow::flags, 200);
        kit.column("Argument", SymbolStateRow::argument, 320);
        model.rows().addListener((javafx.collections.ListChangeListener<SymbolStateRow>) ch -> {
            if (!kit.table().getItems().isEmpty() && kit.table().getSelectionModel().isEmpty()) {
                kit.table().scrollTo(kit.table().getItems().size() - 1);
            }
        });
    }

    public Node node() { return kit.node(); }

    public TableKit<SymbolStateRow> kit() { return kit; }
}
