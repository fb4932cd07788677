package dev.sextant.engine.state;

import java.util.OptionalLong;

/**
 * A typed value where it lives: in the target's memory (an lvalue), in bytes already read (a
 * register, a computed result, a bitfield), or nowhere (optimized out). Immutable; the bytes of a
 * memory value are read when asked, through the {@link EvalContext}.
 */
public record Value(Type type, Place place) {

    /** Where a value's bytes are. */
    public sealed interface Place permits InMemory, InBytes, OptimizedOut {}

    /** At {@code address} in the target (an lvalue: {@code &} works). */
    public record InMemory(long address) implements Place {}

    /** Bytes in target order (little-endian here), at least {@code type.size()} long; {@code register} names a DWARF register it came from. */
    public record InBytes(byte[] bytes, OptionalLong register) implements Place {
        public InBytes(byte[] bytes) { this(bytes, OptionalLong.empty()); }
    }

    /** The compiler left no location for it at this pc. */
    public record OptimizedOut() implements Place {}

    public static Value ofLong(Type type, long v) {
        byte[] b = new byte[(int) Math.max(1, Math.min(8, type.size()))];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (v >>> (8 * i));
        return new Value(type, new InBytes(b));
    }

    public static Value ofDouble(Type type, double v) {
        if (type.size() == 4) return ofLong(type, Float.floatToRawIntBits((float) v) & 0xffffffffL);
        return ofLong(type, Double.doubleToRawLongBits(v));
    }

    public OptionalLong address() {
        return place instanceof InMemory m ? OptionalLong.of(m.address()) : OptionalLong.empty();
    }

    public boolean optimizedOut() { return place instanceof OptimizedOut; }
}
