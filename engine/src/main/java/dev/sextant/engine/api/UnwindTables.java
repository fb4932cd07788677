package dev.sextant.engine.api;

import java.nio.file.Path;
import java.util.List;

/** A file's unwind-table entries, the file whose symbols name them, and the problems met while reading. */
public record UnwindTables(Path file, Path symbolFile, List<UnwindEntry> entries, List<String> problems) {
    public UnwindTables {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }
}
