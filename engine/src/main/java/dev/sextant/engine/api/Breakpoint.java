package dev.sextant.engine.api;

import java.util.Optional;

/**
 * A user breakpoint: where the user asked for it ({@code main}, {@code demo.c:42}, {@code 0x401136}),
 * the address it resolved to, the source line there ({@code demo.c:33}, where line information
 * exists), whether it is enabled, and how often it was hit. Immutable snapshot.
 */
public record Breakpoint(int id, String location, Address address, Optional<String> sourceLine, boolean enabled, long hits) {
    public Breakpoint(int id, String location, Address address, boolean enabled, long hits) {
        this(id, location, address, Optional.empty(), enabled, hits);
    }
}
