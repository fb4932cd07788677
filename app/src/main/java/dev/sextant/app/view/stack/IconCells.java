package dev.sextant.app.view.stack;

import dev.sextant.icons.Icon;
import javafx.scene.control.Cell;

/**
 * A table cell's icon across redraws: a step redraws every row of the Call stack, and a new icon
 * node (or the same node removed and added again) costs a CSS pass on the FX thread. The node stays
 * while the icon is the same; an empty cell hides it instead of dropping it.
 */
final class IconCells {
    private IconCells() { }

    /** Shows {@code icon} (none: hidden) in {@code cell}, which showed {@code shown}; returns what it shows now. */
    static Icon show(Cell<?> cell, Icon shown, Icon icon) {
        if (icon == null) {
            if (cell.getGraphic() != null) cell.getGraphic().setVisible(false);
            return shown;                                   // the node is kept, hidden, for the next row
        }
        if (icon != shown || cell.getGraphic() == null) cell.setGraphic(icon.graphic());
        cell.getGraphic().setVisible(true);
        return icon;
    }
}
