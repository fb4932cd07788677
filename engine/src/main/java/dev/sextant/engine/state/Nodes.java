package dev.sextant.engine.state;

/** The compiled nodes of an {@link Expression}: C's operators on {@link Value}s, with C's conversions. */
final class Nodes {
    private Nodes() {}

    record Identifier(String name) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) {
            if (name.equals("true") || name.equals("false")) {
                return Value.ofLong(new Type.Base("bool", 1, Type.Encoding.BOOLEAN), name.equals("true") ? 1 : 0);
            }
            return ctx.variable(name).orElseThrow(() -> new EvaluationException("no symbol `" + name + "` in scope"));
        }
    }

    record Literal(Value value) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) { return value; }

        static Literal integer(String text) {
            String t = text.toLowerCase(java.util.Locale.ROOT);
            boolean unsigned = t.contains("u"), isLong = t.contains("l");
            String digits = t.replaceAll("[ul]+$", "");
            long v;
            try {
                if (digits.startsWith("0x")) v = Long.parseUnsignedLong(digits.substring(2), 16);
                else if (digits.length() > 1 && digits.startsWith("0")) v = Long.parseUnsignedLong(digits.substring(1), 8);
                else v = Long.parseUnsignedLong(digits);
            } catch (NumberFormatException e) {
                throw new EvaluationException("invalid number \"" + text + "\"");
            }
            boolean fitsInt = v >= 0 && v <= (unsigned ? 0xffffffffL : Integer.MAX_VALUE);
            Type type = !isLong && fitsInt ? (unsigned ? Values.UNSIGNED_INT : Values.INT)
                    : (unsigned || v < 0 ? Values.UNSIGNED_LONG : Values.LONG);
            return new Literal(Value.ofLong(type, v));
        }

        static Literal floating(String text) {
            try {
                return new Literal(Value.ofDouble(Values.DOUBLE, Double.parseDouble(text.replaceAll("[fFlL]$", ""))));
            } catch (NumberFormatException e) {
                throw new EvaluationException("invalid number \"" + text + "\"");
            }
        }

        static Literal character(String body) {
            int c;
            if (body.startsWith("\\") && body.length() >= 2) {
                String esc = body.substring(1);
                char e = esc.charAt(0);
                if (esc.matches("[0-7]{1,3}")) {
                    c = Integer.parseInt(esc, 8) & 0xff;
                } else if (esc.matches("x[0-9a-fA-F]{1,2}")) {
                    c = Integer.parseInt(esc.substring(1), 16);
                } else if (esc.length() == 1 && (!Character.isLetterOrDigit(e) || "ntrabfve".indexOf(e) >= 0)) {
                    c = switch (e) {
                        case 'n' -> '\n'; case 't' -> '\t'; case 'r' -> '\r';
                        case 'a' -> 7; case 'b' -> 8; case 'f' -> 12; case 'v' -> 11; case 'e' -> 27;
                        default -> e;     // \\ \' \" \?
                    };
                } else {
                    throw new EvaluationException("invalid escape in character constant '" + body + "'");
                }
            } else if (body.length() == 1) {
                c = body.charAt(0);
            } else {
                throw new EvaluationException("invalid character constant '" + body + "'");
            }
            return new Literal(Value.ofLong(Values.CHAR, c));
        }
    }

    record Member(Expression.Node object, String name, boolean arrow) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) {
            Value v = object.eval(ctx);
            if (arrow) {
                Type t = Type.strip(v.type());
                if (!(t instanceof Type.Pointer)) {
                    throw new EvaluationException("the left operand of `->' is not a pointer (" + TypeNames.name(v.type()) + ")");
                }
                v = Values.deref(v, ctx);
            }
            return Values.member(v, name, ctx);
        }
    }

    record Index(Expression.Node array, Expression.Node index) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) {
            Value a = array.eval(ctx);
            Value i = index.eval(ctx);
            if (!Type.isInteger(i.type())) {
                if (Type.isInteger(a.type())) return Values.index(i, Values.asLong(a, ctx), ctx);   // 2[a], as C allows
                throw new EvaluationException("array subscript is not an integer");
            }
            return Values.index(a, Values.asLong(i, ctx), ctx);
        }
    }

    record Unary(String op, Expression.Node operand) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) {
            Value v = operand.eval(ctx);
            switch (op) {
                case "*": return Values.deref(v, ctx);
                case "&": return Values.addressOf(v);
                case "!": return Value.ofLong(Values.INT, Arithmetic.truth(v, ctx) ? 0 : 1);
                case "+": return Arithmetic.promote(v, ctx);
                case "-":
                    if (Type.isFloat(v.type())) return Value.ofDouble(Values.DOUBLE, -Values.asDouble(v, ctx));
                    Value n = Arithmetic.promote(v, ctx);
                    return Value.ofLong(n.type(), -Values.asLong(n, ctx));
                default: {
                    Value c = Arithmetic.promote(v, ctx);
                    if (Type.isFloat(c.type())) throw new EvaluationException("argument to complement operation not an integer");
                    return Value.ofLong(c.type(), ~Values.asLong(c, ctx));
                }
            }
        }
    }

    record Binary(String op, Expression.Node left, Expression.Node right) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) {
            Value l = left.eval(ctx);
            if (op.equals("&&")) return Value.ofLong(Values.INT, Arithmetic.truth(l, ctx) && Arithmetic.truth(right.eval(ctx), ctx) ? 1 : 0);
            if (op.equals("||")) return Value.ofLong(Values.INT, Arithmetic.truth(l, ctx) || Arithmetic.truth(right.eval(ctx), ctx) ? 1 : 0);
            return Arithmetic.binary(op, l, right.eval(ctx), ctx);
        }
    }

    /** A type named in an expression: {@code unsigned long}, {@code struct point}, a typedef; with {@code pointers} stars. */
    record TypeName(String name, int pointers, boolean keyword) {
        Type resolve(EvalContext ctx) {
            Type t = name.equals("void") ? new Type.Void()
                    : ctx.namedType(name).orElseThrow(() -> new EvaluationException("no symbol \"" + name + "\" in current context."));
            for (int i = 0; i < pointers; i++) t = new Type.Pointer(Type.Lazy.of(t), 8);
            return t;
        }
    }

    record Cast(TypeName type, Expression.Node operand) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) {
            Type to = type.resolve(ctx);
            Value v = operand.eval(ctx);
            Type s = Type.strip(to);
            if (s instanceof Type.Base b && b.encoding() == Type.Encoding.FLOAT) return Value.ofDouble(to, Values.asDouble(v, ctx));
            if (s instanceof Type.Base b && b.encoding() == Type.Encoding.BOOLEAN) return Value.ofLong(to, Arithmetic.truth(v, ctx) ? 1 : 0);
            if (s instanceof Type.Base || s instanceof Type.Pointer || s instanceof Type.Enumeration) {
                long x = Type.isFloat(v.type()) ? (long) Values.asDouble(v, ctx) : Values.asLong(v, ctx);
                return Value.ofLong(to, x);
            }
            if (s instanceof Type.Void) return new Value(to, new Value.InBytes(new byte[0]));
            // a struct or array: the same bytes seen as another type (gdb allows it for lvalues)
            if (v.place() instanceof Value.InMemory m) return new Value(to, m);
            throw new EvaluationException("invalid cast.");
        }
    }

    record SizeOf(TypeName type, Expression.Node operand) implements Expression.Node {
        @Override public Value eval(EvalContext ctx) {
            Type t = type != null ? type.resolve(ctx) : operand.eval(ctx).type();
            return Value.ofLong(Values.UNSIGNED_LONG, t.size());
        }
    }
}
