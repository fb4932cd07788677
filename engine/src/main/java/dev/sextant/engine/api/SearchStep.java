package dev.sextant.engine.api;

/**
 * One place the symbol search looked for a module's debug information, and what it found there:
 * {@code location} is a path or a server URL, {@code outcome} says why it was not used (or that it
 * was). Immutable.
 */
public record SearchStep(SymbolSource place, String location, Outcome outcome, String detail) {
    public enum Outcome { FOUND, NOT_FOUND, MISMATCH, SKIPPED, ERROR, CANCELLED }

    @Override public String toString() {
        return place.label() + " " + location + ": " + detail;
    }
}
