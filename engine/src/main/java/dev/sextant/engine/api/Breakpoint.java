package dev.sextant.engine.api;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A user breakpoint: where the user asked for it ({@code main}, {@code demo.c:42}, {@code 0x401136}),
 * the address it resolved to, the source line there ({@code demo.c:33}, where line information
 * exists), whether it is enabled, and how often it was hit. Its actions: a {@code condition} (a C
 * expression; the thread stops only where it is non-zero), {@code stopAfterHits} (stop from the
 * Nth hit on where the condition holds; earlier hits run on), and a {@code logMessage} (a
 * logpoint: the message, with {@code {expr}} replaced by values, is printed and the thread runs
 * on, never stopping). Immutable snapshot.
 */
public record Breakpoint(int id, String location, Address address, Optional<String> sourceLine, boolean enabled, long hits,
                         Optional<String> condition, OptionalLong stopAfterHits, Optional<String> logMessage) {
    public Breakpoint(int id, String location, Address address, Optional<String> sourceLine, boolean enabled, long hits) {
        this(id, location, address, sourceLine, enabled, hits, Optional.empty(), OptionalLong.empty(), Optional.empty());
    }

    public Breakpoint(int id, String location, Address address, boolean enabled, long hits) {
        this(id, location, address, Optional.empty(), enabled, hits);
    }

    /** True for a logpoint: it prints and never stops. */
    public boolean logpoint() { return logMessage.isPresent(); }
}
