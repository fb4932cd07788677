package dev.sextant.engine.bind;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a bind looks for libraries beyond what the image itself says: {@code LD_LIBRARY_PATH} as
 * the caller gives it (never taken from Sextant's own environment), the ld.so cache file (empty to
 * ignore it, like {@code ld.so --inhibit-cache}), extra directories tried after every ld.so rule
 * has failed, and the platform (empty: this machine's). Immutable.
 */
public record SearchPath(List<Path> extraDirs, Optional<String> ldLibraryPath, Optional<Path> ldSoCache,
                         Optional<SearchPlatform> platform) {

    public static final Path SYSTEM_CACHE = Path.of("/etc/ld.so.cache");

    public SearchPath {
        extraDirs = List.copyOf(extraDirs);
    }

    /** What ld.so would use for a program started with an empty environment. */
    public static SearchPath system() {
        return new SearchPath(List.of(), Optional.empty(), Optional.of(SYSTEM_CACHE), Optional.empty());
    }

    public SearchPath withLibraryPath(String ldLibraryPath) {
        return new SearchPath(extraDirs, Optional.ofNullable(ldLibraryPath), ldSoCache, platform);
    }

    public SearchPath withExtraDirs(List<Path> dirs) {
        return new SearchPath(dirs, ldLibraryPath, ldSoCache, platform);
    }
}
