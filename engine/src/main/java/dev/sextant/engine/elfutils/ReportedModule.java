package dev.sextant.engine.elfutils;

import java.util.Optional;

/** A module known by address range and build-id only (a minidump's module list): libdwfl finds its file. */
public record ReportedModule(String name, long start, long end, Optional<byte[]> buildId) {}
