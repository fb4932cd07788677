package dev.sextant.engine.state;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reading and taking apart values: bytes, integers, members, elements, dereference, address-of. */
public final class Values {
    private Values() {}

    static final Type.Base INT = new Type.Base("int", 4, Type.Encoding.SIGNED);
    static final Type.Base UNSIGNED_INT = new Type.Base("unsigned int", 4, Type.Encoding.UNSIGNED);
    static final Type.Base LONG = new Type.Base("long", 8, Type.Encoding.SIGNED);
    static final Type.Base UNSIGNED_LONG = new Type.Base("unsigned long", 8, Type.Encoding.UNSIGNED);
    static final Type.Base DOUBLE = new Type.Base("double", 8, Type.Encoding.FLOAT);
    static final Type.Base CHAR = new Type.Base("char", 1, Type.Encoding.SIGNED_CHAR);

    /** The value's bytes ({@code type.size()} of them). */
    public static byte[] bytes(Value v, EvalContext ctx) {
        return bytes(v, ctx, v.type().size());
    }

    static byte[] bytes(Value v, EvalContext ctx, long size) {
        if (size > Integer.MAX_VALUE - 16) throw new EvaluationException("value too large to read: " + size + " bytes");
        int n = (int) size;
        if (v.place() instanceof Value.InMemory m) return ctx.read(m.address(), n);
        if (v.place() instanceof Value.InBytes b) {
            byte[] out = new byte[n];
            System.arraycopy(b.bytes(), 0, out, 0, Math.min(n, b.bytes().length));
            return out;
        }
        throw new EvaluationException("value has been optimized out");
    }

    /** A scalar's value as a long: sign- or zero-extended from its size; pointers and enums included. */
    public static long asLong(Value v, EvalContext ctx) {
        Type t = Type.strip(v.type());
        if (t instanceof Type.Base b && b.encoding() == Type.Encoding.FLOAT) return (long) asDouble(v, ctx);
        if (t instanceof Type.Array || t instanceof Type.Function) {
            return v.address().orElseThrow(() -> new EvaluationException("value is not in memory"));
        }
        if (t instanceof Type.Composite) throw new EvaluationException("a " + TypeNames.name(v.type()) + " is not a number");
        long size = Math.min(8, Math.max(1, t.size()));
        byte[] b = bytes(v, ctx, size);
        long r = 0;
        for (int i = b.length - 1; i >= 0; i--) r = (r << 8) | (b[i] & 0xff);
        if (isSigned(t) && size < 8) {
            int shift = 64 - 8 * (int) size;
            r = (r << shift) >> shift;
        }
        return r;
    }

    static boolean isSigned(Type t) {
        Type s = Type.strip(t);
        if (s instanceof Type.Base b) return b.isSigned() || b.encoding() == Type.Encoding.FLOAT;
        if (s instanceof Type.Enumeration e) return e.signed();
        return false;
    }

    public static double asDouble(Value v, EvalContext ctx) {
        Type t = Type.strip(v.type());
        if (!(t instanceof Type.Base b && b.encoding() == Type.Encoding.FLOAT)) {
            long l = asLong(v, ctx);
            return isSigned(t) ? l : unsignedToDouble(l);
        }
        byte[] bytes = bytes(v, ctx);
        return switch (bytes.length) {
            case 4 -> Float.intBitsToFloat((int) le(bytes, 0, 4));
            case 8 -> Double.longBitsToDouble(le(bytes, 0, 8));
            default -> FloatFormat.x87(bytes).doubleValue();
        };
    }

    static double unsignedToDouble(long l) {
        return l >= 0 ? l : (double) (l >>> 1) * 2.0 + (l & 1);
    }

    static long le(byte[] b, int off, int n) {
        long r = 0;
        for (int i = n - 1; i >= 0; i--) r = (r << 8) | (b[off + i] & 0xff);
        return r;
    }

    /** {@code v.name}: searches base classes and anonymous members too. */
    public static Value member(Value v, String name, EvalContext ctx) {
        Type t = Type.strip(v.type());
        if (t instanceof Type.Reference r) return member(deref(v, ctx), name, ctx);
        if (!(t instanceof Type.Composite c)) {
            throw new EvaluationException("attempt to extract a component of a value that is not a structure");
        }
        return findMember(v, c, name, ctx).orElseThrow(() ->
                new EvaluationException("there is no member named " + name + "."));
    }

    private static Optional<Value> findMember(Value v, Type.Composite c, String name, EvalContext ctx) {
        for (Type.Member m : c.members().get()) {
            if (m.name().isPresent() && m.name().get().equals(name)) return Optional.of(memberValue(v, m, ctx));
        }
        for (Type.Member m : c.members().get()) {
            if ((m.name().isEmpty() || m.baseClass()) && Type.strip(m.type()) instanceof Type.Composite inner) {
                Optional<Value> found = findMember(memberValue(v, m, ctx), inner, name, ctx);
                if (found.isPresent()) return found;
            }
        }
        return Optional.empty();
    }

    /** One member of a composite value; a bitfield is read and extracted (it is not an lvalue). */
    public static Value memberValue(Value v, Type.Member m, EvalContext ctx) {
        if (m.bitSize().isEmpty()) return at(v, m.offset(), m.type(), ctx);
        long bits = m.bitSize().getAsLong();
        int span = (int) ((m.bitOffset() + bits + 7) / 8);
        byte[] raw = bytes(at(v, m.offset(), new Type.Array(Values.CHAR, OptionalLong.of(span)), ctx), ctx, span);
        long word = 0;
        for (int i = Math.min(span, 8) - 1; i >= 0; i--) word = (word << 8) | (raw[i] & 0xff);
        long field = bits >= 64 ? word >>> m.bitOffset() : (word >>> m.bitOffset()) & ((1L << bits) - 1);
        if (isSigned(m.type()) && bits < 64 && (field & (1L << (bits - 1))) != 0) field |= -1L << bits;
        return Value.ofLong(m.type(), field);
    }

    /** The part of {@code v} at {@code offset}, of {@code type}. */
    static Value at(Value v, long offset, Type type, EvalContext ctx) {
        if (v.place() instanceof Value.InMemory m) return new Value(type, new Value.InMemory(m.address() + offset));
        if (v.place() instanceof Value.InBytes b) {
            byte[] out = new byte[(int) Math.max(0, Math.min(type.size(), Integer.MAX_VALUE))];
            int avail = (int) Math.max(0, Math.min(out.length, b.bytes().length - offset));
            if (avail > 0) System.arraycopy(b.bytes(), (int) offset, out, 0, avail);
            return new Value(type, new Value.InBytes(out));
        }
        return new Value(type, new Value.OptimizedOut());
    }

    /** {@code *v}: a pointer's target, a reference's referent, an array's first element. */
    public static Value deref(Value v, EvalContext ctx) {
        Type t = Type.strip(v.type());
        if (t instanceof Type.Pointer p) {
            Type target = p.target().get();
            if (Type.strip(target) instanceof Type.Void) throw new EvaluationException("attempt to take contents of a non-pointer value.");
            return new Value(target, new Value.InMemory(asLong(v, ctx)));
        }
        if (t instanceof Type.Reference r) return new Value(r.target().get(), new Value.InMemory(asLong(v, ctx)));
        if (t instanceof Type.Array a) return index(v, 0, ctx);
        if (t instanceof Type.Function) return v;
        throw new EvaluationException("attempt to take contents of a non-pointer value.");
    }

    /** {@code v[i]} for an array or a pointer. */
    public static Value index(Value v, long i, EvalContext ctx) {
        Type t = Type.strip(v.type());
        if (t instanceof Type.Array a) {
            long size = a.element().size();
            if (v.place() instanceof Value.InBytes && a.count().isPresent() && (i < 0 || i >= a.count().getAsLong())) {
                throw new EvaluationException("no such vector element");
            }
            return at(v, i * size, a.element(), ctx);
        }
        if (t instanceof Type.Pointer p) {
            Type target = p.target().get();
            long size = Math.max(1, target.size());
            return new Value(target, new Value.InMemory(asLong(v, ctx) + i * size));
        }
        throw new EvaluationException("cannot subscript something of type `" + TypeNames.name(v.type()) + "'");
    }

    /** {@code &v}: a pointer to an lvalue. */
    public static Value addressOf(Value v) {
        if (v.place() instanceof Value.InMemory m) {
            return Value.ofLong(new Type.Pointer(Type.Lazy.of(v.type()), 8), m.address());
        }
        if (v.optimizedOut()) throw new EvaluationException("can't take address of value that has been optimized out");
        throw new EvaluationException("attempt to take address of value not located in memory.");
    }

    /** Elements of an array value shown to the user: at most {@code limit}. */
    static List<Value> elements(Value v, Type.Array a, long limit, EvalContext ctx) {
        long n = Math.min(a.count().orElse(0), limit);
        java.util.ArrayList<Value> out = new java.util.ArrayList<>((int) Math.max(0, Math.min(n, 4096)));
        for (long i = 0; i < n; i++) out.add(index(v, i, ctx));
        return out;
    }
}
