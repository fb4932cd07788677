package dev.sextant.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's grammar and C semantics over a small memory image laid out as a C compiler lays
 * out {@code struct point { int x; int y; } pts[3]; struct point *p = &pts[1]; char name[8] = "abc";}.
 * The frames of real programs are checked against gdb in {@code LocalsGdbTest}.
 */
class ExpressionTest {
    static final long BASE = 0x1000;
    static final Type.Base INT = Values.INT;
    static final Type.Composite POINT = new Type.Composite("struct", Optional.of("point"), 8, false, new Type.LazyMembers(() -> List.of(
            new Type.Member(Optional.of("x"), INT, 0, OptionalLong.empty(), 0, false),
            new Type.Member(Optional.of("y"), INT, 4, OptionalLong.empty(), 0, false))));
    static final Type.Array PTS = new Type.Array(POINT, OptionalLong.of(3));
    static final Type.Pointer PTR = new Type.Pointer(Type.Lazy.of(POINT), 8);
    static final Type.Array NAME = new Type.Array(Values.CHAR, OptionalLong.of(8));

    final ByteBuffer memory = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    final Map<String, Value> names;

    ExpressionTest() {
        for (int i = 0; i < 3; i++) memory.putInt(i * 8, 10 * i + 1).putInt(i * 8 + 4, 10 * i + 2);
        memory.putLong(24, BASE + 8);
        memory.put(32, (byte) 'a').put(33, (byte) 'b').put(34, (byte) 'c');
        names = Map.of("pts", new Value(PTS, new Value.InMemory(BASE)), "p", new Value(PTR, new Value.InMemory(BASE + 24)),
                "name", new Value(NAME, new Value.InMemory(BASE + 32)), "n", Value.ofLong(INT, -7));
    }

    final EvalContext ctx = new EvalContext() {
        @Override public Optional<Value> variable(String name) { return Optional.ofNullable(names.get(name)); }
        @Override public Optional<Type> namedType(String name) {
            return switch (name) {
                case "int" -> Optional.of(INT);
                case "unsigned char" -> Optional.of(new Type.Base("unsigned char", 1, Type.Encoding.UNSIGNED_CHAR));
                case "struct point" -> Optional.of(POINT);
                default -> Optional.empty();
            };
        }
        @Override public byte[] read(long address, int length) {
            if (address < BASE || address + length > BASE + memory.capacity()) throw EvaluationException.unreadable(address);
            byte[] b = new byte[length];
            memory.get((int) (address - BASE), b);
            return b;
        }
        @Override public Optional<String> symbolAt(long address) { return Optional.empty(); }
    };

    String eval(String e) {
        return ValueFormat.format(Expression.parse(e).evaluate(ctx), ctx);
    }

    @Test void membersIndexesAndPointers() {
        assertEquals("12", eval("pts[1].y"));
        assertEquals("12", eval("p->y"));
        assertEquals("22", eval("(p + 1)->y"));
        assertEquals("1", eval("(*p).x == 11"));
        assertEquals("{x = 21, y = 22}", eval("p[1]"));
        assertEquals("2", eval("&pts[2] - &pts[0]"));
        assertEquals("0x1008", eval("&pts[1]"));
        assertEquals("\"abc\\000\\000\\000\\000\"", eval("name"));
        assertEquals("98 'b'", eval("name[1]"));
    }

    @Test void arithmeticFollowsC() {
        assertEquals("-7", eval("n"));
        assertEquals("4294967289", eval("(int) n + 0u"));
        assertEquals("1", eval("n < 0 && pts[0].x == 1"));
        assertEquals("0", eval("n > 0 || 0"));
        assertEquals("-3", eval("n / 2"));
        assertEquals("7", eval("-n"));
        assertEquals("255 '\\377'", eval("(unsigned char) -1"));
        assertEquals("16", eval("0x10"));
        assertEquals("8", eval("sizeof(struct point)"));
        assertEquals("2.5", eval("5 / 2.0"));
        // Character constants as gdb prints them: octal and hex escapes, the named ones.
        assertEquals("65 'A'", eval("'\\101'"));
        assertEquals("65 'A'", eval("'\\x41'"));
        assertEquals("10 '\\n'", eval("'\\n'"));
        assertEquals("39 '\\''", eval("'\\''"));
    }

    @Test void aBadEscapeIsAnErrorNotACrash() {
        // Found by ExpressionFuzz: an octal escape with letters after its digits.
        assertEquals("invalid escape in character constant '\\3l0a'",
                assertThrows(EvaluationException.class, () -> eval("'\\3l0a'")).getMessage());
        assertThrows(EvaluationException.class, () -> eval("'\\q'"));
    }

    @Test void errorsSayWhat() {
        assertEquals("no symbol `nope` in scope", assertThrows(EvaluationException.class, () -> eval("nope + 1")).getMessage());
        assertEquals("cannot read memory at 0x0", assertThrows(EvaluationException.class, () -> Values.asLong(
                Expression.parse("*(int *) 0").evaluate(ctx), ctx)).getMessage());
        assertTrue(assertThrows(EvaluationException.class, () -> Expression.parse("p->")).getMessage().startsWith("syntax error"));
        assertThrows(EvaluationException.class, () -> eval("n / 0"));
        assertTrue(Expression.parse("p->x == 11").test(ctx));
        assertFalse(Expression.parse("p->x != 11").test(ctx));
    }

    @Test void floatsHaveGdbDigits() {
        assertEquals("3.1400000000000001", FloatFormat.formatDouble(3.14));
        assertEquals("2.5", FloatFormat.formatFloat(2.5f));
        assertEquals("0.100000001", FloatFormat.formatFloat(0.1f));
        assertEquals("1e+100", FloatFormat.formatDouble(1e100));
        assertEquals("-0", FloatFormat.formatDouble(-0.0));
        assertEquals("inf", FloatFormat.formatDouble(Double.POSITIVE_INFINITY));
    }
}
