package dev.sextant.engine.api;


/** A symbol found by name: module (file name), name as in the file, absolute address, size in bytes. Immutable. */
public record SymbolMatch(String module, String name, Address address, long size) {
    /** {@code libc.so.6!malloc}. */
    public String qualifiedName() { return module + "!" + name; }
}
