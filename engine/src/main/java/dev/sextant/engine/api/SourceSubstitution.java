package dev.sextant.engine.api;

/**
 * gdb's {@code set substitute-path FROM TO}: a source path that starts with the directory
 * {@code from} is looked for under {@code to} instead. Immutable.
 */
public record SourceSubstitution(String from, String to) {
    public SourceSubstitution {
        if (from == null || from.isBlank()) throw new IllegalArgumentException("a substitution needs the directory to replace");
        if (to == null || to.isBlank()) throw new IllegalArgumentException("a substitution needs the directory to use instead of " + from);
        from = trimSlash(from.strip());
        to = trimSlash(to.strip());
    }

    private static String trimSlash(String s) {
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override public String toString() { return from + " -> " + to; }
}
