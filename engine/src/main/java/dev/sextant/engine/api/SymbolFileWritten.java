package dev.sextant.engine.api;

import java.nio.file.Path;
import java.util.List;

/**
 * A Breakpad symbol file written by {@link Command.ExportBreakpad}: where, the module id its
 * {@code MODULE} line carries (33 hex digits), how many records of each kind, and what was left out
 * (no DWARF, FDEs with expression rules). Immutable.
 */
public record SymbolFileWritten(Path output, String moduleId, int functions, int publics, int lines, int cfiEntries,
                                int fdesSkipped, List<String> problems) {
    public SymbolFileWritten { problems = List.copyOf(problems); }
}
