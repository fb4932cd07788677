package dev.sextant.engine.state;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.testing.FuzzContract;
import java.nio.charset.StandardCharsets;

/**
 * The C expression parser and evaluator of {@code print}, watches and breakpoint conditions, over any
 * text, evaluated in {@link ExpressionTest}'s frame (an array of structs, a pointer into it, a char
 * array, an int) and formatted as gdb would print it. Contract: {@link EvaluationException} (with a
 * message) for anything it cannot parse or evaluate, nothing else; no runaway time or memory on deep
 * nesting, long literals or huge shifts.
 */
class ExpressionFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("ExpressionFuzz", EvaluationException.class);
    private static final ExpressionTest FRAME = new ExpressionTest();

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        CONTRACT.check(data.length, () -> {
            Expression e = Expression.parse(text);
            Value v = e.evaluate(FRAME.ctx);
            if (ValueFormat.format(v, FRAME.ctx) == null) throw new AssertionError("no text for " + text);
            e.test(FRAME.ctx);
        });
    }
}
