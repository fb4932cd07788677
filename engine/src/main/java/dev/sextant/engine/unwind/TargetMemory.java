package dev.sextant.engine.unwind;

import java.util.OptionalLong;

/**
 * Read access to a target's memory (a live process or a core), for reading the tables a target keeps
 * in memory and for stepping frames with them. Called on the thread that owns the target; must not throw.
 */
public interface TargetMemory {
    /** Up to {@code length} bytes at {@code address}; fewer (possibly none) where the memory is not readable. */
    byte[] read(long address, int length);

    /** The little-endian 8-byte word at {@code address}, or empty when it is not readable. */
    default OptionalLong readWord(long address) {
        byte[] b = read(address, 8);
        if (b.length < 8) return OptionalLong.empty();
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
        return OptionalLong.of(v);
    }
}
