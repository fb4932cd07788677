package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What is at an address ({@code ln} in WinDbg): module, nearest symbol and the offset into it,
 * source file and line, and the inlined calls at that address, innermost first (each with the
 * position inside it). Immutable.
 */
public record AddressInfo(Address address, Optional<String> module, Optional<String> symbol, long offset,
                          Optional<String> file, OptionalInt line, List<Inline> inlines) {
    public AddressInfo { inlines = List.copyOf(inlines); }

    /** One inlined call: the inlined function and the source position inside it. */
    public record Inline(Optional<String> function, Optional<String> file, OptionalInt line) {}
}
