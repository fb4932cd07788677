package dev.sextant.app.view.watches;

import java.util.Optional;

/** One watch: the expression, its value and type at this stop (or its error), and whether the value changed since the last stop. Immutable. */
public record WatchRow(String expression, String value, String type, Optional<String> error, boolean changed) {
    static WatchRow pending(String expression) { return new WatchRow(expression, "", "", Optional.empty(), false); }

    /** What the Value column shows: the value, or the error. */
    public String shown() { return error.map(e -> "<" + e + ">").orElse(value); }
}
