package dev.sextant.engine.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A core Sextant wrote: its size, threads, load segments, bytes of memory, SHA-256 when asked, and what went wrong. */
public record SavedDump(Path file, long size, int threads, int loadSegments, long memoryBytes, Optional<String> sha256,
                        List<Diagnostic> diagnostics) {
    public SavedDump { diagnostics = List.copyOf(diagnostics); }
}
