package dev.sextant.engine.api;

/** A user breakpoint: where the user asked for it ({@code main}, {@code demo.c:42}, {@code 0x401136}), the address it resolved to, whether it is enabled, and how often it was hit. Immutable snapshot. */
public record Breakpoint(int id, String location, Address address, boolean enabled, long hits) {}
