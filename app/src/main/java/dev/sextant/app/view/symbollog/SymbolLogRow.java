package dev.sextant.app.view.symbollog;

/** One line of the symbol load log: time, kind (event / search step), severity, module, text. Immutable. */
public record SymbolLogRow(String time, String kind, String severity, String module, String text) {
    String searchText() { return kind + " " + severity + " " + module + " " + text; }
}
