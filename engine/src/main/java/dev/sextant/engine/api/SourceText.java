package dev.sextant.engine.api;

import java.util.List;

/**
 * The answer to {@link Command.LocateSource}: a source file's text and where it was found, or every
 * place that was looked at. Immutable.
 */
public sealed interface SourceText {
    /** The file name as the debug information gives it. */
    String file();

    /**
     * The text of {@code file}, read from {@code location} (a path on this machine, or the cache file
     * a debuginfod download was stored in); {@code how} names the rule that found it
     * ({@code "DWARF path"}, {@code "compilation directory"}, {@code "substitution A -> B"},
     * {@code "beside the executable"}, {@code "debuginfod URL"}).
     */
    record Found(String file, String location, String how, String text) implements SourceText {}

    /** Not found: each place looked at, with why it did not serve, in the order tried. */
    record NotFound(String file, List<String> looked) implements SourceText {
        public NotFound { looked = List.copyOf(looked); }
    }
}
