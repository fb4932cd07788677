package dev.sextant.engine.api;

/** What a {@link Variable} is to its frame: an argument, a local (block-scoped or static), a member of a struct, or an element of an array. */
public enum VariableKind {
    ARGUMENT, LOCAL, MEMBER, ELEMENT;

    /** The lower-case name the JSON output uses. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
