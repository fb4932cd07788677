package dev.sextant.engine.elfutils;

import java.util.Optional;

/**
 * One module as libdwfl reported it: name (path in the target), address range, build-id (hex),
 * and the files found for it on this machine (main ELF file, separate debug file), with the rule
 * that found the main file. Immutable.
 */
public record ModuleReport(String name, long start, long end, Optional<String> buildId,
                           Optional<String> mainFile, Optional<String> debugFile, Optional<String> foundBy) {}
