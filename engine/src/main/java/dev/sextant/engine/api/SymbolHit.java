package dev.sextant.engine.api;

/** One symbol found by {@link Command.FindSymbols}: its module, name, address (relocated) and size. Immutable. */
public record SymbolHit(String module, String name, Address address, long size) {}
