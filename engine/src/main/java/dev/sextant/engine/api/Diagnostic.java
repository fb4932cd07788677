package dev.sextant.engine.api;

/** Something the user should know about a target that is not fatal: a note that failed to decode, a module not found. */
public record Diagnostic(Severity severity, String message) {}
