package dev.sextant.engine.api;

/** Where a module's symbols came from, or a place the search looked. */
public enum SymbolSource {
    /** The module's own file (its .symtab / DWARF). */
    EMBEDDED("own file"),
    /** The file named by its {@code .gnu_debuglink}, CRC checked. */
    DEBUGLINK("debuglink"),
    /** {@code ROOT/.build-id/xx/yyyy.debug}. */
    BUILD_ID_DIRECTORY("build-id directory"),
    /** An additional directory of the symbol path. */
    DIRECTORY("directory"),
    /** A debuginfod server (or its local cache). */
    DEBUGINFOD("debuginfod");

    private final String label;

    SymbolSource(String label) { this.label = label; }

    /** Short words for people: "build-id directory". */
    public String label() { return label; }
}
