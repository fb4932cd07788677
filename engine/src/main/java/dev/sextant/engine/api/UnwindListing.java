package dev.sextant.engine.api;

import java.util.List;

/**
 * The end of an {@code unwind} listing, whose text or JSON arrived meanwhile as
 * {@link DebugEvent.OutputWritten} chunks (a large library lists millions of rows: records per row, or
 * the whole listing held at once, would cost more than the listing): the warnings met on the way, how
 * many entries could not be decoded, whether {@code --at} found one, the time headers and symbols took.
 */
public record UnwindListing(List<String> warnings, int undecoded, boolean found, long headerNanos) {
    public UnwindListing {
        warnings = List.copyOf(warnings);
    }
}
