package dev.sextant.app.view.registers;

/** One register of the selected thread. Immutable. */
public record RegisterRow(String name, String hex, String decimal, boolean changed) {
    String searchText() { return name + " " + hex + " " + decimal; }
}
