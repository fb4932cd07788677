package dev.sextant.engine.api;

/** A thread id (Linux task id). Immutable. */
public record Tid(int value) implements Comparable<Tid> {
    @Override public int compareTo(Tid o) { return Integer.compare(value, o.value); }
    @Override public String toString() { return Integer.toString(value); }
}
