package dev.sextant.engine.elfutils.jna;

import java.nio.file.Path;
import java.util.Optional;

/**
 * libdwfl's {@code find_debuginfo} callback in Java terms. libdwfl asks, on the thread that owns the
 * {@link Dwfl}, when a module's main file lacks DWARF (or a symbol table). {@link #first} may name the
 * file; when it does not and {@link #thenStandard()} holds, {@code dwfl_standard_find_debuginfo}
 * searches, and {@link #instead} may name another file to read in place of the one it found. libdwfl
 * takes a file as given: the hook checks what it returns. Implementations must not call back into the
 * same {@link Dwfl}; an exception counts as "nothing".
 */
public interface DebuginfoHook {

    /**
     * What libdwfl knows of the module when it asks: its name, load base, main file on this machine,
     * its {@code .gnu_debuglink} name and CRC (when it has one), and its build-id (hex).
     */
    Optional<Path> first(String moduleName, long base, Optional<String> mainFile, Optional<String> debugLink,
                         int debugLinkCrc, Optional<String> buildId);

    /** Whether libdwfl's own search runs when {@link #first} names nothing. */
    boolean thenStandard();

    /** A file to read in place of {@code found}, the one libdwfl's own search found; empty keeps it. */
    Optional<Path> instead(Path found);
}
