package dev.sextant.app.view.unwind;

import dev.sextant.engine.api.DynamicTable;
import java.util.Optional;

/**
 * One unwind table to pick: a module's static tables (its file) or a dynamic table the target
 * registered. Immutable.
 */
public record TableSourceRow(String name, String kind, String range, Optional<String> file, Optional<DynamicTable> table) {
    String searchText() { return name + " " + kind + " " + range; }

    boolean dynamic() { return table.isPresent(); }
}
