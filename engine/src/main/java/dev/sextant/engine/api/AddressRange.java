package dev.sextant.engine.api;

/** Addresses {@code start} (inclusive) to {@code end} (exclusive), unsigned; never empty. */
public record AddressRange(long start, long end) {
    public AddressRange {
        if (Long.compareUnsigned(start, end) >= 0) throw new IllegalArgumentException("empty range 0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end));
    }
}
