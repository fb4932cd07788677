package dev.sextant.engine.api;

/** How much a {@link Diagnostic} matters to the user. */
public enum Severity { INFO, WARNING, ERROR }
