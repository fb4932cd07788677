package dev.sextant.engine.elfutils;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What libdw says about one pc: module, function (demangled), offset into it, source position, and
 * whether this row is an inlined call. Copied out of libdw's memory; immutable.
 */
public record ResolvedFrame(Optional<String> module, Optional<String> function, long offset,
                            Optional<String> file, OptionalInt line, boolean inline) {}
