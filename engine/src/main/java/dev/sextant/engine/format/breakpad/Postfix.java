package dev.sextant.engine.format.breakpad;

import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Breakpad's postfix expressions, as {@code STACK CFI} rules and {@code STACK WIN} programs write them:
 * numbers (decimal, {@code -8}, or {@code 0x} hex), variables ({@code $rsp}, {@code .cfa}, {@code x29},
 * {@code $T0}, {@code .raSearch}), binary {@code + - * / %}, {@code @} (align down), unary {@code ^}
 * (read a word of memory) and, in programs, {@code =} (assign to the variable below the value).
 * Arithmetic wraps at the word size. A malformed expression is a {@link FormatException}; a value that
 * cannot be had (a variable not set, memory not in the dump, division by zero) is an empty answer.
 */
public final class Postfix {
    private Postfix() {}

    /** Memory of the target, as the dump holds it. */
    @FunctionalInterface public interface Memory { OptionalLong readWord(long address, int wordSize); }

    private static final int MAX_STACK = 64, MAX_TOKENS = 4096;

    /** The value of a CFI rule expression. */
    public static OptionalLong evaluate(String expression, Map<String, Long> variables, Memory memory, int wordSize) {
        Map<String, Long> vars = new HashMap<>(variables);
        Optional<Object> top = run(expression, vars, memory, wordSize, false);
        if (top.isEmpty()) return OptionalLong.empty();
        Object v = top.get();
        if (v instanceof Long l) return OptionalLong.of(l);
        Long named = vars.get((String) v);
        return named == null ? OptionalLong.empty() : OptionalLong.of(named);
    }

    /**
     * Runs a {@code STACK WIN} program over {@code variables}, which it updates with its assignments
     * ({@code $T0 $ebp = $eip $T0 4 + ^ = ...}); false when a value could not be had.
     */
    public static boolean execute(String program, Map<String, Long> variables, Memory memory, int wordSize) {
        return run(program, variables, memory, wordSize, true).isPresent();
    }

    /** The words of {@code text} between runs of white space (no regular expression: rules are evaluated per frame). */
    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        for (int i = 0; i < n; ) {
            while (i < n && Character.isWhitespace(text.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) i++;
            if (i > start) out.add(text.substring(start, i));
        }
        return out;
    }

    /** The last value left (a Long or a variable name), or empty when evaluation failed; a program leaves an empty stack. */
    private static Optional<Object> run(String text, Map<String, Long> vars, Memory memory, int wordSize, boolean program) {
        long mask = wordSize >= 8 ? -1L : (1L << (wordSize * 8)) - 1;
        Object[] stack = new Object[MAX_STACK];
        int sp = 0, count = 0;
        for (String t : tokens(text)) {
            if (t.isEmpty()) continue;
            if (++count > MAX_TOKENS) throw bad(text, "more than " + MAX_TOKENS + " tokens");
            if (t.length() == 1 && "+-*/%@".indexOf(t.charAt(0)) >= 0) {
                if (sp < 2) throw bad(text, "'" + t + "' needs two operands");
                OptionalLong b = value(stack[--sp], vars), a = value(stack[--sp], vars);
                if (a.isEmpty() || b.isEmpty()) return Optional.empty();
                long x = a.getAsLong(), y = b.getAsLong(), r;
                switch (t.charAt(0)) {
                    case '+' -> r = x + y;
                    case '-' -> r = x - y;
                    case '*' -> r = x * y;
                    case '/' -> { if (y == 0) return Optional.empty(); r = Long.divideUnsigned(x & mask, y & mask); }
                    case '%' -> { if (y == 0) return Optional.empty(); r = Long.remainderUnsigned(x & mask, y & mask); }
                    default -> { if (y <= 0) return Optional.empty(); r = x & -y; }   // '@': align down to y
                }
                stack[sp++] = r & mask;
            } else if (t.equals("^")) {
                if (sp < 1) throw bad(text, "'^' needs an operand");
                OptionalLong a = value(stack[--sp], vars);
                if (a.isEmpty()) return Optional.empty();
                OptionalLong w = memory.readWord(a.getAsLong() & mask, wordSize);
                if (w.isEmpty()) return Optional.empty();
                stack[sp++] = w.getAsLong() & mask;
            } else if (t.equals("=")) {
                if (!program) throw bad(text, "'=' in an expression");
                if (sp < 2) throw bad(text, "'=' needs a variable and a value");
                OptionalLong v = value(stack[--sp], vars);
                if (!(stack[--sp] instanceof String name)) throw bad(text, "'=' assigns to a number");
                if (v.isEmpty()) return Optional.empty();
                vars.put(name, v.getAsLong() & mask);
            } else {
                if (sp == MAX_STACK) throw bad(text, "deeper than " + MAX_STACK);
                stack[sp++] = literal(t, text);
            }
        }
        if (program) {
            if (sp != 0) throw bad(text, "values left after the program");
            return Optional.of(0L);
        }
        if (sp != 1) throw bad(text, sp == 0 ? "no value" : "more than one value left");
        return Optional.of(stack[0]);
    }

    private static Object literal(String t, String text) {
        char c = t.charAt(0);
        boolean number = Character.isDigit(c) || c == '-' && t.length() > 1 && Character.isDigit(t.charAt(1));
        if (!number) return t;
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) return Long.parseUnsignedLong(t.substring(2), 16);
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw bad(text, "'" + t + "' is not a number");
        }
    }

    private static OptionalLong value(Object o, Map<String, Long> vars) {
        if (o instanceof Long l) return OptionalLong.of(l);
        Long v = vars.get((String) o);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static FormatException bad(String text, String why) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return new FormatException(FormatException.Kind.INCONSISTENT, 0, "postfix expression \"" + shown + "\"", why);
    }
}
