package dev.sextant.engine.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How to bind: directories to look in after every ld.so rule has failed, the {@code LD_LIBRARY_PATH}
 * of the bind (Sextant's own environment is never used), whether to read {@code /etc/ld.so.cache},
 * the debug-file directory to check separate debug files against, and the {@link BindFlag}s.
 */
public record BindOptions(List<Path> search, Optional<String> libraryPath, boolean useCache, Optional<Path> symbolPath,
                          Set<BindFlag> flags) {
    public BindOptions {
        search = List.copyOf(search);
        flags = Set.copyOf(flags);
    }

    /** What ld.so would use for a program started with an empty environment. */
    public static BindOptions system(Set<BindFlag> flags) {
        return new BindOptions(List.of(), Optional.empty(), true, Optional.empty(), flags);
    }
}
