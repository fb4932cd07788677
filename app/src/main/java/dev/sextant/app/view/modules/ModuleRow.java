package dev.sextant.app.view.modules;

/** One row of the Modules table. Immutable. */
public record ModuleRow(String name, String path, String base, String size, String buildId, String symbols, String file) {
    String searchText() {
        return name + " " + path + " " + base + " " + buildId + " " + symbols + " " + file;
    }
}
