package dev.sextant.app.view.variables;

import dev.sextant.engine.api.Variable;
import dev.sextant.engine.api.VariableKind;
import java.util.Optional;

/**
 * One row of the Variables tree: a variable, member or element as read at this stop; {@code changed}
 * since the last stop; {@code expression} the C expression that names it in the frame ({@code s.corners[1].y},
 * {@code (*p).x}), empty below a base class (no C expression names those). Immutable.
 */
public record VariableRow(String path, Variable variable, boolean changed, Optional<String> expression) {
    public String name() { return variable.name(); }

    public String value() { return variable.value(); }

    public String type() { return variable.type(); }

    /** The expression of a child {@code c} of this row. */
    Optional<String> childExpression(Variable c) {
        if (c.name().startsWith("<")) return Optional.empty();
        return expression.map(e -> c.kind() == VariableKind.ELEMENT ? e + c.name() : e + "." + c.name());
    }

    /** A scalar the user may give a new value: no children, a value read, a name for it. */
    public boolean editable() {
        return expression.isPresent() && !variable.optimizedOut() && variable.error().isEmpty() && !variable.expandable()
                && variable.children().isEmpty() && !variable.type().endsWith("]");
    }

    /** A pointer that can be followed (not null, not void, not a string: its text is shown already). */
    boolean followable() {
        String t = variable.type().strip();
        if (expression.isEmpty() || !t.endsWith("*") || !variable.children().isEmpty() || variable.error().isPresent()) return false;
        String pointee = t.substring(0, t.length() - 1).strip().replace("const ", "").replace("volatile ", "").strip();
        if (pointee.equals("void") || pointee.equals("char") || pointee.endsWith(")")) return false;
        String v = variable.value();
        int at = v.indexOf("0x");
        if (at < 0) return false;
        int end = at;
        while (end < v.length() && !Character.isWhitespace(v.charAt(end))) end++;
        return !v.substring(at, end).equals("0x0");
    }
}
