package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/**
 * One module's symbol state: name (path in the target), range, build-id, main file on this machine,
 * status, where the symbols came from and the file read, the symbol count, whether there are line
 * numbers, why not (for partial/failed/cancelled) and every place searched. Immutable snapshot.
 */
public record ModuleSymbols(String name, Address base, Address end, Optional<String> buildId, Optional<String> file,
                            SymbolStatus status, Optional<SymbolSource> source, Optional<String> symbolFile,
                            int symbolCount, boolean lineInfo, Optional<String> reason, List<SearchStep> searched) {
    public ModuleSymbols { searched = List.copyOf(searched); }

    /** The file name of {@link #name()}: {@code libc.so.6}. */
    public String shortName() {
        int slash = name.lastIndexOf('/');
        return slash >= 0 ? name.substring(slash + 1) : name;
    }
}
