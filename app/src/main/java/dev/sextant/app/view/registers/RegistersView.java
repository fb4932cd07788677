package dev.sextant.app.view.registers;

import dev.sextant.app.view.table.TableKit;
import javafx.scene.Node;

/** Registers of the selected thread: name, value (hex, or decimal with the DECIMAL_VALUES type option), the other radix. */
public final class RegistersView {
    private final TableKit<RegisterRow> kit;

    public RegistersView(RegistersModel model) {
        kit = new TableKit<>("registers", model.rows(), RegisterRow::searchText);
        kit.column("Register", RegisterRow::name, 90);
        // The engine's type options choose the radix of the Value column (View → Decimal values).
        kit.column("Value", r -> model.decimal() ? r.decimal() : r.hex(), 200);
        kit.column("Other radix", r -> model.decimal() ? r.hex() : r.decimal(), 200);
        kit.table().setSortPolicy(t -> false);     // keep the ABI's order
        kit.table().setRowFactory(t -> new javafx.scene.control.TableRow<>() {
            @Override protected void updateItem(RegisterRow row, boolean empty) {
                super.updateItem(row, empty);
                pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("changed"), !empty && row != null && row.changed());
            }
        });
    }

    public Node node() { return kit.node(); }

    public TableKit<RegisterRow> kit() { return kit; }
}
