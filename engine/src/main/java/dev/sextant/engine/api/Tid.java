package dev.sextant.engine.api;

/**
 * A thread id (Linux task id). Immutable. equals and hashCode are written out: a record's own are
 * bootstrapped through method handles on first use, which a short command pays for at start-up,
 * and thread ids key the maps every stack read goes through.
 */
public record Tid(int value) implements Comparable<Tid> {
    @Override public int compareTo(Tid o) { return Integer.compare(value, o.value); }
    @Override public boolean equals(Object o) { return o instanceof Tid t && t.value == value; }
    @Override public int hashCode() { return value; }
    @Override public String toString() { return Integer.toString(value); }
}
