package dev.sextant.engine.symbols;

import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.elfutils.DebugInfoSearch;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.DebugLink;
import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * A file's separate debug file on this machine, for readers of a file on its own (no target, no
 * symbol handler): its {@code .gnu_debuglink} (beside it, in its {@code .debug/}, under
 * {@code /usr/lib/debug}), then its build-id under {@code /usr/lib/debug/.build-id}, each checked
 * (CRC, build-id) as the symbol handler checks them. Never downloads. Any thread.
 */
public final class DebugFiles {
    private DebugFiles() {}

    private static final SymbolPath LOCAL = new SymbolPath(List.of(new SymbolPath.DebugLink(),
            new SymbolPath.BuildIdRoot(SymbolPath.DEFAULT_DEBUG_ROOT)));

    /** Function names for a file and where they come from; {@code problem} says why a debug file found could not be used. */
    public record Names(SymbolTable table, Path from, Optional<String> problem) {}

    /**
     * The function names of {@code file}: {@code own} (its symbol table) when that is a full
     * {@code .symtab}; else, when it is stripped to its {@code .dynsym} (exported functions only),
     * the {@code .symtab} of its installed debug file.
     */
    public static Names functionNames(Path file, SymbolTable own) {
        if (own.full()) return new Names(own, file, Optional.empty());
        Optional<Path> debug = findLocal(file);
        if (debug.isEmpty()) return new Names(own, file, Optional.empty());
        try {
            SymbolTable full = SymbolTable.open(debug.get());
            if (full.full() && full.size() > 0) return new Names(full, debug.get(), Optional.empty());
            return new Names(own, file, Optional.empty());
        } catch (IOException | FormatException e) {
            return new Names(own, file, Optional.of(debug.get() + " (the debug file of " + file.getFileName()
                    + ") cannot be read: " + e.getMessage() + "; only the file's own symbols are used"));
        }
    }

    /** The debug file of {@code file}; empty when it has neither link nor build-id, or none is installed. */
    public static Optional<Path> findLocal(Path file) {
        Optional<DebugLink> link = DebugLink.ofFile(file);
        Optional<String> id = BuildId.ofFile(file);
        if (link.isEmpty() && id.isEmpty()) return Optional.empty();
        DebugInfoSearch.Request r = new DebugInfoSearch.Request(file.toString(), 0, Optional.of(file.toString()),
                link.map(DebugLink::name), link.map(DebugLink::crc).orElse(0), id);
        EnumSet<SymbolOption> options = EnumSet.copyOf(SymbolOption.defaults());
        options.remove(SymbolOption.DEBUGINFOD);
        try (DebugFileSearch search = new DebugFileSearch(Duration.ofSeconds(10))) {
            return search.search(r, LOCAL, options, new DebugFileSearch.Sink() {
                @Override public void step(String module, String text) { }
                @Override public boolean progress(String module, long base, long done, long total) { return false; }
            }).file();
        }
    }
}
