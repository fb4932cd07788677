package dev.sextant.app.view.registers;

import dev.sextant.app.view.table.TableKit;
import javafx.scene.Node;

/** Registers of the selected thread: name, hex, unsigned decimal. */
public final class RegistersView {
    private final TableKit<RegisterRow> kit;

    public RegistersView(RegistersModel model) {
        kit = new TableKit<>("registers", model.rows(), RegisterRow::searchText);
        kit.column("Register", RegisterRow::name, 90);
        kit.column("Value", RegisterRow::hex, 170);
        kit.column("Decimal", RegisterRow::decimal, 200);
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
