package dev.sextant.engine.symbols;

import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.ElfDecompressor;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Sextant's cache of uncompressed debug files (the analogue of gdb's index cache and of a
 * WinDbg downstream store). Debian's {@code -dbg} packages ship DWARF compressed; libdw inflates it
 * on every open, which for libc alone costs tens of milliseconds per stack. The first time a debug
 * file with compressed sections is used, an uncompressed copy is written here, keyed by build-id,
 * size and modification time, and used from then on.
 *
 * <p>The cache lives in {@code $SEXTANT_CACHE_DIR/debug}, else {@code $XDG_CACHE_HOME/sextant/debug},
 * else {@code ~/.cache/sextant/debug}; {@code SEXTANT_DEBUG_CACHE=off} turns it off. Every failure
 * (no build-id, a read-only cache, a corrupt section) leaves the original file in use.
 */
public final class DebugFileCache {
    private final Optional<Path> dir;

    private DebugFileCache(Optional<Path> dir) {
        this.dir = dir;
    }

    /** The cache in its standard place, or a disabled one. */
    public static DebugFileCache standard() {
        if ("off".equalsIgnoreCase(System.getenv("SEXTANT_DEBUG_CACHE"))) return new DebugFileCache(Optional.empty());
        String explicit = System.getenv("SEXTANT_CACHE_DIR");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = explicit != null && !explicit.isEmpty() ? Path.of(explicit)
                : xdg != null && !xdg.isEmpty() ? Path.of(xdg, "sextant")
                : Path.of(System.getProperty("user.home"), ".cache", "sextant");
        return new DebugFileCache(Optional.of(root.resolve("debug")));
    }

    /** A cache in {@code dir} (tests). */
    public static DebugFileCache in(Path dir) {
        return new DebugFileCache(Optional.of(dir));
    }

    /** A cache that never substitutes. */
    public static DebugFileCache disabled() {
        return new DebugFileCache(Optional.empty());
    }

    /**
     * The file to read in place of {@code debugFile}: its uncompressed copy (written now if
     * missing), or {@code debugFile} itself when it has nothing compressed or the copy cannot be made.
     */
    public Path substitute(Path debugFile) {
        if (dir.isEmpty()) return debugFile;
        try {
            BasicFileAttributes a = Files.readAttributes(debugFile, BasicFileAttributes.class);
            if (!a.isRegularFile() || a.size() < 64) return debugFile;
            if (debugFile.startsWith(dir.get())) return debugFile;
            Optional<String> id = BuildId.ofFile(debugFile);
            if (id.isEmpty()) return debugFile;
            Path cached = dir.get().resolve(id.get() + "-" + a.size() + "-" + a.lastModifiedTime().toMillis() + ".debug");
            if (Files.isRegularFile(cached)) return cached;
            ByteReader file = ByteReader.map(debugFile, ByteOrder.LITTLE_ENDIAN);
            if (!ElfDecompressor.hasCompressedSections(file)) return debugFile;
            Files.createDirectories(dir.get());
            Path tmp = Files.createTempFile(dir.get(), id.get(), ".tmp");
            try {
                ElfDecompressor.write(file, tmp);
                try {
                    Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return cached;
        } catch (IOException | FormatException | UnsupportedOperationException | SecurityException e) {
            return debugFile;
        }
    }
}
