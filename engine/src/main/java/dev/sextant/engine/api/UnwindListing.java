package dev.sextant.engine.api;

import java.util.List;

/**
 * The {@code unwind} listing of a file, already rendered (text or JSON) in chunks of at most 64 KiB
 * (a large library lists millions of rows: records per row would cost more than the listing), the
 * warnings met on the way, how many entries could not be decoded, and whether {@code --at} found one.
 */
public record UnwindListing(List<byte[]> chunks, List<String> warnings, int undecoded, boolean found, long headerNanos) {
    public UnwindListing {
        chunks = List.copyOf(chunks);
        warnings = List.copyOf(warnings);
    }
}
