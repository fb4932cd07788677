package dev.sextant.engine.state;

import java.util.Optional;

/**
 * What evaluating an expression in one frame may ask: names (the frame's variables, then the
 * module's globals), named types for casts, the target's memory, and symbols for pointers. Reads
 * only what it is asked for, so that a breakpoint condition costs a few bytes per hit. Used on the
 * engine thread only.
 */
public interface EvalContext {
    /** The variable or global {@code name} as seen from this frame, or empty when there is none. */
    Optional<Value> variable(String name);

    /** A type by name: {@code int}, {@code unsigned long}, a typedef, {@code struct point}. */
    Optional<Type> namedType(String name);

    /** Exactly {@code length} bytes at {@code address}; throws {@link EvaluationException#unreadable} otherwise. */
    byte[] read(long address, int length);

    /** {@code main}, {@code buf+4}: the symbol gdb names after a pointer, or empty (stack, heap). */
    Optional<String> symbolAt(long address);

    /** Whether a pointer to {@code address} gets a {@code <symbol>}: code always, data when print-symbol applies. */
    default boolean isCode(long address) { return false; }
}
