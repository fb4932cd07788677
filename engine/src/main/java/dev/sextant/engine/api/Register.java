package dev.sextant.engine.api;

/** One register's name (as the ABI names it: {@code rip}, {@code x29}) and value. Immutable. */
public record Register(String name, long value) {
    @Override public String toString() { return name + "=0x" + Long.toHexString(value); }
}
