package dev.sextant.engine.state;

/**
 * gdb's {@code set var LVALUE = VALUE} for scalars, planned but not done: the new value (a C
 * expression of the frame, or an enumerator's name) converted to the variable's type as a cast
 * would, and the bytes to write at the variable's address. Only scalars in memory (integers,
 * characters, floats, booleans, enums, pointers); a struct, an array, a bitfield, a value in a
 * register or computed by DWARF is refused with what to do instead. Engine thread only.
 */
public final class Assignment {
    private Assignment() {}

    /** {@code bytes} to write at {@code address} (target byte order); {@code shown} is the new value as gdb prints it. */
    public record Write(long address, byte[] bytes, String shown) {
        public Write {
            bytes = bytes.clone();
        }

        @Override public byte[] bytes() { return bytes.clone(); }
    }

    /** The write that gives {@code lvalue} (an expression: {@code count}, {@code p->x}, {@code a[2]}) the value of {@code value}. */
    public static Write plan(String lvalue, String value, EvalContext ctx) {
        Value target = Expression.parse(lvalue).evaluate(ctx);
        Type t = Type.strip(target.type());
        String type = TypeNames.name(target.type());
        if (!(t instanceof Type.Base || t instanceof Type.Enumeration || t instanceof Type.Pointer)) {
            throw new EvaluationException(lvalue + " is a " + type + ": only scalars (numbers, characters, enums, pointers)"
                    + " can be changed; change its members or elements one by one");
        }
        if (!(target.place() instanceof Value.InMemory m)) {
            throw new EvaluationException(lvalue + where(target.place()));
        }
        if (t.size() < 1 || t.size() > 8) throw new EvaluationException(lvalue + " is a " + type + " of " + t.size() + " bytes: not a scalar Sextant can write");
        Value converted = convert(target.type(), t, value.strip(), ctx);
        byte[] bytes = Values.bytes(converted, ctx, t.size());
        return new Write(m.address(), bytes, ValueFormat.format(new Value(target.type(), new Value.InBytes(bytes)), ctx));
    }

    private static String where(Value.Place p) {
        if (p instanceof Value.OptimizedOut) return " is optimized out at this pc: it has no place to write";
        if (p instanceof Value.InBytes b && b.register().isPresent()) {
            return " lives in DWARF register " + b.register().getAsLong() + " at this pc: only values in memory can be changed";
        }
        return " is not in memory (a bitfield, or a value DWARF computes): it cannot be changed";
    }

    /** The new value as the cast {@code (type) value} gives it; an enumerator's name is its value. */
    private static Value convert(Type declared, Type t, String value, EvalContext ctx) {
        if (value.isEmpty()) throw new EvaluationException("give the new value");
        if (t instanceof Type.Enumeration e) {
            for (Type.Enumerator n : e.values()) if (n.name().equals(value)) return Value.ofLong(declared, n.value());
        }
        Value v = Expression.parse(value).evaluate(ctx);
        Type from = Type.strip(v.type());
        if (from instanceof Type.Composite || (from instanceof Type.Array && !(t instanceof Type.Pointer))) {
            throw new EvaluationException("cannot assign a " + TypeNames.name(v.type()) + " to a " + TypeNames.name(declared));
        }
        if (t instanceof Type.Pointer && Type.isFloat(v.type())) {
            throw new EvaluationException("cannot assign a " + TypeNames.name(v.type()) + " to a pointer (" + TypeNames.name(declared) + ")");
        }
        if (t instanceof Type.Base b && b.encoding() == Type.Encoding.FLOAT) return Value.ofDouble(declared, Values.asDouble(v, ctx));
        if (t instanceof Type.Base b && b.encoding() == Type.Encoding.BOOLEAN) return Value.ofLong(declared, Arithmetic.truth(v, ctx) ? 1 : 0);
        long x = Type.isFloat(v.type()) ? (long) Values.asDouble(v, ctx) : Values.asLong(v, ctx);
        return Value.ofLong(declared, x);
    }
}
