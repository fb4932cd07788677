package dev.sextant.engine.state;

/** C's usual arithmetic conversions and binary operators, pointer arithmetic included. */
final class Arithmetic {
    private Arithmetic() {}

    static boolean truth(Value v, EvalContext ctx) {
        return Type.isFloat(v.type()) ? Values.asDouble(v, ctx) != 0 : Values.asLong(v, ctx) != 0;
    }

    /** Integer promotion: types narrower than int become int; arrays and functions decay to pointers. */
    static Value promote(Value v, EvalContext ctx) {
        Type s = Type.strip(v.type());
        if (s instanceof Type.Array a) return Value.ofLong(new Type.Pointer(Type.Lazy.of(a.element()), 8), Values.asLong(v, ctx));
        if (s instanceof Type.Function) return Value.ofLong(new Type.Pointer(Type.Lazy.of(v.type()), 8), Values.asLong(v, ctx));
        if (s instanceof Type.Pointer || Type.isFloat(s)) return v;
        if (!Type.isInteger(s)) throw new EvaluationException("argument to arithmetic operation not a number or boolean.");
        if (s.size() < 4 || s instanceof Type.Enumeration) return Value.ofLong(Values.INT, Values.asLong(v, ctx));
        return v;
    }

    private static Type common(Type a, Type b) {
        boolean unsigned = !Values.isSigned(a) || !Values.isSigned(b);
        long size = Math.max(a.size(), b.size());
        if (size > 4) return (!Values.isSigned(a) && a.size() == 8) || (!Values.isSigned(b) && b.size() == 8) ? Values.UNSIGNED_LONG : Values.LONG;
        return unsigned ? Values.UNSIGNED_INT : Values.INT;
    }

    static Value binary(String op, Value left, Value right, EvalContext ctx) {
        Value l = promote(left, ctx), r = promote(right, ctx);
        boolean lp = Type.isPointer(l.type()), rp = Type.isPointer(r.type());
        if (lp || rp) return pointers(op, l, r, lp, rp, ctx);
        if (Type.isFloat(l.type()) || Type.isFloat(r.type())) return floating(op, Values.asDouble(l, ctx), Values.asDouble(r, ctx));
        Type t = common(Type.strip(l.type()), Type.strip(r.type()));
        long a = Values.asLong(l, ctx), b = Values.asLong(r, ctx);
        boolean unsigned = !Values.isSigned(t);
        if (t.size() == 4) {
            a = unsigned ? a & 0xffffffffL : (int) a;
            b = unsigned ? b & 0xffffffffL : (int) b;
        }
        switch (op) {
            case "==": return bool(a == b);
            case "!=": return bool(a != b);
            case "<": return bool(unsigned ? Long.compareUnsigned(a, b) < 0 : a < b);
            case ">": return bool(unsigned ? Long.compareUnsigned(a, b) > 0 : a > b);
            case "<=": return bool(unsigned ? Long.compareUnsigned(a, b) <= 0 : a <= b);
            case ">=": return bool(unsigned ? Long.compareUnsigned(a, b) >= 0 : a >= b);
            default: break;
        }
        long v;
        switch (op) {
            case "+": v = a + b; break;
            case "-": v = a - b; break;
            case "*": v = a * b; break;
            case "/": case "%":
                if (b == 0) throw new EvaluationException("division by zero");
                if (unsigned) v = op.equals("/") ? Long.divideUnsigned(a, b) : Long.remainderUnsigned(a, b);
                else v = op.equals("/") ? a / b : a % b;
                break;
            case "&": v = a & b; break;
            case "|": v = a | b; break;
            case "^": v = a ^ b; break;
            case "<<": v = a << b; break;
            case ">>": v = unsigned ? a >>> b : a >> b; break;
            default: throw new EvaluationException("unknown operator " + op);
        }
        return Value.ofLong(t, v);
    }

    private static Value bool(boolean b) { return Value.ofLong(Values.INT, b ? 1 : 0); }

    private static Value floating(String op, double a, double b) {
        return switch (op) {
            case "==" -> bool(a == b);
            case "!=" -> bool(a != b);
            case "<" -> bool(a < b);
            case ">" -> bool(a > b);
            case "<=" -> bool(a <= b);
            case ">=" -> bool(a >= b);
            case "+" -> Value.ofDouble(Values.DOUBLE, a + b);
            case "-" -> Value.ofDouble(Values.DOUBLE, a - b);
            case "*" -> Value.ofDouble(Values.DOUBLE, a * b);
            case "/" -> Value.ofDouble(Values.DOUBLE, a / b);
            default -> throw new EvaluationException("integer only operation " + op + " on a floating-point value");
        };
    }

    private static Value pointers(String op, Value l, Value r, boolean lp, boolean rp, EvalContext ctx) {
        long a = Values.asLong(l, ctx), b = Values.asLong(r, ctx);
        switch (op) {
            case "==": return bool(a == b);
            case "!=": return bool(a != b);
            case "<": return bool(Long.compareUnsigned(a, b) < 0);
            case ">": return bool(Long.compareUnsigned(a, b) > 0);
            case "<=": return bool(Long.compareUnsigned(a, b) <= 0);
            case ">=": return bool(Long.compareUnsigned(a, b) >= 0);
            default: break;
        }
        if (lp && rp && op.equals("-")) {
            long size = Math.max(1, ((Type.Pointer) Type.strip(l.type())).target().get().size());
            return Value.ofLong(Values.LONG, (a - b) / size);
        }
        if (lp != rp && (op.equals("+") || (op.equals("-") && lp))) {
            Value p = lp ? l : r;
            long n = lp ? b : a;
            long size = Math.max(1, ((Type.Pointer) Type.strip(p.type())).target().get().size());
            return Value.ofLong(p.type(), (lp ? a : b) + (op.equals("+") ? n : -n) * size);
        }
        throw new EvaluationException("invalid operands to " + op + " (pointer arithmetic)");
    }
}
