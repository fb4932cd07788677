package dev.sextant.app.view.variables;

import dev.sextant.engine.api.Variable;

/** One row of the Variables tree: a variable, member or element as read at this stop; {@code changed} since the last stop. Immutable. */
public record VariableRow(String path, Variable variable, boolean changed) {
    public String name() { return variable.name(); }

    public String value() { return variable.value(); }

    public String type() { return variable.type(); }
}
