package dev.sextant.engine.elfutils;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Sextant's separate-debug-file search, installed as libdwfl's {@code find_debuginfo} callback in
 * place of {@code dwfl_standard_find_debuginfo}. libdwfl calls it, on the thread that owns the
 * {@link ElfSession}, when a module's main file lacks DWARF (or a symbol table) and it needs them. The
 * search must check what it returns (CRC, build-id): libdwfl takes the file as given. It must not
 * throw (an exception is taken as "not found") and must not call back into the same {@link ElfSession}.
 */
@FunctionalInterface
public interface DebugInfoSearch {

    /**
     * What libdwfl knows of the module when it asks: its name, load base, main file on this machine,
     * its {@code .gnu_debuglink} name and CRC (when it has one), and its build-id (hex).
     */
    record Request(String moduleName, long base, Optional<String> mainFile, Optional<String> debugLink,
                   int debugLinkCrc, Optional<String> buildId) {}

    /** The debug file to use, or empty when none was found. */
    Optional<Path> find(Request request);
}
