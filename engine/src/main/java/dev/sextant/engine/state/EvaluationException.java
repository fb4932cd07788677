package dev.sextant.engine.state;

/**
 * An expression or a value that cannot be evaluated, with the message the user sees (gdb's words
 * where gdb has them): {@code no symbol `x` in scope}, {@code cannot read memory at 0x10}.
 */
public final class EvaluationException extends RuntimeException {
    public EvaluationException(String message) {
        super(message, null, false, false);
    }

    public static EvaluationException unreadable(long address) {
        return new EvaluationException("cannot read memory at 0x" + Long.toHexString(address));
    }
}
