package dev.sextant.engine.api;

/** An absolute address in the target's address space. Immutable; compares unsigned; prints as {@code 0x…}. */
public record Address(long value) implements Comparable<Address> {
    public static Address of(long value) { return new Address(value); }

    @Override public int compareTo(Address o) { return Long.compareUnsigned(value, o.value); }

    @Override public String toString() { return "0x" + Long.toHexString(value); }

    /** Parses {@code 0x1f}, {@code 1f} (hex) or {@code #31} (decimal). */
    public static Address parse(String text) {
        String t = text.strip();
        if (t.startsWith("#")) return new Address(Long.parseUnsignedLong(t.substring(1)));
        if (t.startsWith("0x") || t.startsWith("0X")) t = t.substring(2);
        return new Address(Long.parseUnsignedLong(t, 16));
    }
}
