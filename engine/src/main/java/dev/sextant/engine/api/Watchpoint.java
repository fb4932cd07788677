package dev.sextant.engine.api;

/**
 * A data watchpoint (an x86-64 debug register in every thread): the expression the user watched,
 * the address and length (1, 2, 4 or 8 bytes) it covers, whether reads trap too ({@code readWrite};
 * otherwise writes only), its value when last seen (as gdb prints it), and how often it stopped.
 * Immutable snapshot.
 */
public record Watchpoint(int id, String expression, Address address, int length, boolean readWrite, String value, long hits) {
    /** At most this many at once: DR0-DR3. */
    public static final int MAX = 4;
}
