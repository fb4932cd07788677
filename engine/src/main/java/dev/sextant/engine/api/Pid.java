package dev.sextant.engine.api;

/** A process id. Immutable. */
public record Pid(int value) {
    @Override public String toString() { return Integer.toString(value); }
}
