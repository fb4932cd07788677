package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.DebuginfoHook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How a session finds separate debug files: Sextant's own search ({@link DebugInfoSearch}) in place of
 * libdwfl's, or libdwfl's standard search with a substitute (Sextant's cache of uncompressed debug
 * files) read in place of what it finds, or libdwfl's search alone.
 */
final class DebugFileRules {
    private DebugFileRules() {}

    /** libdwfl's default build-id directory (its debuginfo_path default is ":.debug:/usr/lib/debug"). */
    private static final String BUILD_ID_DIR = "/usr/lib/debug/.build-id";

    /** {@code search} when given, else the standard search followed by {@code substitute} (when not null), else none. */
    static Optional<DebuginfoHook> of(Optional<DebugInfoSearch> search, UnaryOperator<Path> substitute) {
        if (search.isPresent()) return Optional.of(searchOnly(search.get()));
        return substitute == null ? Optional.empty() : Optional.of(standardThen(substitute));
    }

    private static DebuginfoHook searchOnly(DebugInfoSearch search) {
        return new DebuginfoHook() {
            @Override public Optional<Path> first(String moduleName, long base, Optional<String> mainFile, Optional<String> debugLink,
                                                  int crc, Optional<String> buildId) {
                return search.find(new DebugInfoSearch.Request(moduleName, base, mainFile, debugLink, crc, buildId));
            }
            @Override public boolean thenStandard() { return false; }
            @Override public Optional<Path> instead(Path found) { return Optional.empty(); }
        };
    }

    /**
     * The build-id directory first, as libdwfl does: its own lookup there keeps the file it opened
     * (mod->debug.elf) whatever fd the callback returns, so substitute before it runs; then the
     * standard search, and the substitute of what it found.
     */
    private static DebuginfoHook standardThen(UnaryOperator<Path> substitute) {
        return new DebuginfoHook() {
            @Override public Optional<Path> first(String moduleName, long base, Optional<String> mainFile, Optional<String> debugLink,
                                                  int crc, Optional<String> buildId) {
                if (buildId.isEmpty() || buildId.get().length() <= 2) return Optional.empty();
                String id = buildId.get();
                Path byId = Path.of(BUILD_ID_DIR, id.substring(0, 2), id.substring(2) + ".debug");
                if (!Files.isRegularFile(byId)) return Optional.empty();
                Path use = substitute.apply(byId);
                return !use.equals(byId) && use.getFileName().toString().startsWith(id + "-") ? Optional.of(use) : Optional.empty();
            }
            @Override public boolean thenStandard() { return true; }
            @Override public Optional<Path> instead(Path found) { return Optional.of(substitute.apply(found)); }
        };
    }
}
