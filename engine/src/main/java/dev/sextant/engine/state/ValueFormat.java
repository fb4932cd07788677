package dev.sextant.engine.state;

import java.util.List;
import java.util.StringJoiner;

/**
 * Values as gdb's {@code print} shows them (its defaults: 200 elements, repeats above 10):
 * {@code 81 'Q'}, {@code true}, enumerators, {@code 0x401126 <add>}, {@code 0x4020a0 "text"},
 * {@code {x = 1, y = 2}}, {@code {0 <repeats 16 times>}}, {@code "abc\000"}, {@code <optimized out>}.
 */
public final class ValueFormat {
    private ValueFormat() {}

    static final int PRINT_ELEMENTS = 200, REPEAT_THRESHOLD = 10;

    public static String format(Value v, EvalContext ctx) {
        StringBuilder out = new StringBuilder();
        append(out, v, ctx, 0);
        return out.toString();
    }

    static void append(StringBuilder out, Value v, EvalContext ctx, int depth) {
        if (v.optimizedOut()) {
            out.append("<optimized out>");
            return;
        }
        try {
            appendValue(out, v, ctx, depth);
        } catch (EvaluationException e) {
            out.append("<error: ").append(gdbMessage(e)).append('>');
        }
    }

    /** gdb's words for an unreadable value inside a bigger one. */
    static String gdbMessage(EvaluationException e) {
        String m = e.getMessage();
        if (m.startsWith("cannot read memory at ")) return "Cannot access memory at address " + m.substring("cannot read memory at ".length());
        return m;
    }

    private static void appendValue(StringBuilder out, Value v, EvalContext ctx, int depth) {
        Type t = Type.strip(v.type());
        if (t instanceof Type.Base b) {
            out.append(scalar(v, b, ctx));
        } else if (t instanceof Type.Enumeration e) {
            out.append(enumerator(e, Values.asLong(v, ctx)));
        } else if (t instanceof Type.Pointer p) {
            out.append(pointer(Values.asLong(v, ctx), p, ctx));
        } else if (t instanceof Type.Reference r) {
            long a = Values.asLong(v, ctx);
            out.append("@0x").append(Long.toHexString(a)).append(": ");
            append(out, new Value(r.target().get(), new Value.InMemory(a)), ctx, depth + 1);
        } else if (t instanceof Type.Composite c) {
            composite(out, v, c, ctx, depth);
        } else if (t instanceof Type.Array a) {
            array(out, v, a, ctx, depth);
        } else if (t instanceof Type.Function) {
            long a = v.address().orElse(0);
            out.append("{").append(TypeNames.name(v.type())).append("} 0x").append(Long.toHexString(a));
            ctx.symbolAt(a).ifPresent(s -> out.append(" <").append(s).append('>'));
        } else {
            out.append("void");
        }
    }

    static String scalar(Value v, Type.Base b, EvalContext ctx) {
        if (b.encoding() == Type.Encoding.FLOAT) return FloatFormat.format(Values.bytes(v, ctx));
        long x = Values.asLong(v, ctx);
        return switch (b.encoding()) {
            case BOOLEAN -> x == 0 ? "false" : x == 1 ? "true" : Long.toString(x);
            case SIGNED_CHAR, UNSIGNED_CHAR -> x + " " + Chars.quoted((int) (x & 0xff), '\'');
            case UNSIGNED -> Long.toUnsignedString(x);
            default -> Long.toString(x);
        };
    }

    static String enumerator(Type.Enumeration e, long x) {
        for (Type.Enumerator n : e.values()) if (n.value() == x) return n.name();
        // gdb's flag enums: every value a distinct bit
        boolean flags = !e.values().isEmpty() && e.values().stream().allMatch(n -> n.value() > 0 && Long.bitCount(n.value()) == 1);
        if (flags && x > 0) {
            StringJoiner j = new StringJoiner(" | ", "(", ")");
            long rest = x;
            for (Type.Enumerator n : e.values()) {
                if ((rest & n.value()) != 0) { j.add(n.name()); rest &= ~n.value(); }
            }
            if (rest != 0) j.add("unknown: 0x" + Long.toHexString(rest));
            return j.toString();
        }
        return Long.toString(x);
    }

    static String pointer(long a, Type.Pointer p, EvalContext ctx) {
        StringBuilder out = new StringBuilder("0x").append(Long.toHexString(a));
        Type target = Type.strip(p.target().get());
        boolean function = target instanceof Type.Function;
        if (a != 0 && (function || !ctx.isCode(a) || true)) ctx.symbolAt(a).ifPresent(s -> out.append(" <").append(s).append('>'));
        if (!function && a != 0 && target instanceof Type.Base b && b.isChar() && b.size() == 1) {
            out.append(' ').append(cString(a, ctx));
        }
        return out.toString();
    }

    /** A NUL-terminated string at {@code a}, at most 200 characters then {@code ...}. */
    static String cString(long a, EvalContext ctx) {
        byte[] buf = new byte[PRINT_ELEMENTS + 1];
        int n = 0;
        boolean terminated = false;
        try {
            while (n < PRINT_ELEMENTS) {
                // read a chunk that does not cross a page, so that a string at a page's end still prints
                int chunk = (int) Math.min(PRINT_ELEMENTS - n, 64 - ((a + n) & 63));
                byte[] b = ctx.read(a + n, chunk);
                int k = 0;
                while (k < b.length && b[k] != 0) buf[n++] = b[k++];
                if (k < b.length) { terminated = true; break; }
            }
        } catch (EvaluationException e) {
            if (n == 0) return "<error: Cannot access memory at address 0x" + Long.toHexString(a) + ">";
            terminated = true;
        }
        String s = Chars.segments(java.util.Arrays.copyOf(buf, n), false);
        return (n == 0 ? "\"\"" : s) + (terminated ? "" : "...");
    }

    private static void composite(StringBuilder out, Value v, Type.Composite c, EvalContext ctx, int depth) {
        out.append('{');
        List<Type.Member> members = c.members().get();
        boolean first = true;
        for (Type.Member m : members) {
            if (!first) out.append(", ");
            first = false;
            if (m.baseClass()) out.append('<').append(TypeNames.name(m.type())).append("> = ");
            else if (m.name().isPresent()) out.append(m.name().get()).append(" = ");
            append(out, Values.memberValue(v, m, ctx), ctx, depth + 1);
        }
        out.append('}');
    }

    private static void array(StringBuilder out, Value v, Type.Array a, EvalContext ctx, int depth) {
        long count = a.count().orElse(0);
        Type element = Type.strip(a.element());
        if (element instanceof Type.Base b && b.isChar() && b.size() == 1) {
            int n = (int) Math.min(count, PRINT_ELEMENTS);
            byte[] bytes = Values.bytes(new Value(v.type(), v.place()), ctx, n);
            boolean dropLast = n == count && n > 0 && bytes[n - 1] == 0;
            if (dropLast) {
                // gdb drops trailing NULs after the first one, as print null-stop off does
                int end = n - 1;
                out.append(Chars.segments(java.util.Arrays.copyOf(bytes, end), true));
            } else {
                out.append(Chars.segments(bytes, true));
            }
            if (count > PRINT_ELEMENTS) out.append("...");
            return;
        }
        out.append('{');
        long shown = 0;
        long i = 0;
        boolean first = true;
        while (i < count && shown < PRINT_ELEMENTS) {
            String text = elementText(v, i, ctx, depth);
            long run = 1;
            while (i + run < count && elementText(v, i + run, ctx, depth).equals(text)) run++;
            if (!first) out.append(", ");
            first = false;
            if (run > REPEAT_THRESHOLD) {
                out.append(text).append(" <repeats ").append(run).append(" times>");
                i += run;
                shown += REPEAT_THRESHOLD;
            } else {
                out.append(text);
                i++;
                shown++;
            }
        }
        if (i < count) out.append("...");
        out.append('}');
    }

    private static String elementText(Value v, long i, EvalContext ctx, int depth) {
        StringBuilder b = new StringBuilder();
        append(b, Values.index(v, i, ctx), ctx, depth + 1);
        return b.toString();
    }
}
