package dev.sextant.engine.api;

import java.util.Arrays;
import java.util.BitSet;
import java.util.OptionalInt;

/**
 * Bytes of the target's memory as read at one stop: where they start, the bytes, and which of them
 * could be read (an unmapped page of a live process, a part a core does not store). For a live
 * process the bytes are those of the program: where Sextant has put a breakpoint's {@code int3}
 * the original byte is shown. Immutable (arrays are copied in and out); any thread.
 */
public final class MemoryBlock {
    private final Address start;
    private final byte[] bytes;
    private final BitSet readable;

    public MemoryBlock(Address start, byte[] bytes, BitSet readable) {
        this.start = start;
        this.bytes = bytes.clone();
        this.readable = (BitSet) readable.clone();
        this.readable.clear(bytes.length, Math.max(bytes.length, this.readable.length()));
        for (int i = this.readable.nextClearBit(0); i < bytes.length; i = this.readable.nextClearBit(i + 1)) this.bytes[i] = 0;
    }

    public Address start() { return start; }

    /** How many bytes were asked for (readable or not). */
    public int length() { return bytes.length; }

    public boolean readable(int index) { return index >= 0 && index < bytes.length && readable.get(index); }

    /** The byte at {@code index} (0..255), empty where it could not be read. */
    public OptionalInt byteAt(int index) {
        return readable(index) ? OptionalInt.of(bytes[index] & 0xff) : OptionalInt.empty();
    }

    /** How many bytes could be read. */
    public int readableCount() { return readable.cardinality(); }

    /** A copy of the bytes; unreadable ones are 0 (ask {@link #readable(int)}). */
    public byte[] bytes() { return bytes.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof MemoryBlock m && m.start.equals(start) && Arrays.equals(m.bytes, bytes) && m.readable.equals(readable);
    }

    @Override public int hashCode() { return start.hashCode() * 31 + Arrays.hashCode(bytes); }

    @Override public String toString() { return "MemoryBlock[" + start + ", " + bytes.length + " bytes, " + readableCount() + " readable]"; }
}
