package dev.sextant.app.view.variables;

import dev.sextant.engine.api.Variable;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the Variables and Watches views ask of the engine; futures complete on any thread (the views take them to the FX thread). */
public interface StateSource {
    /** The current scope's arguments and locals. */
    CompletableFuture<List<Variable>> variables();

    /** One expression in the current scope (its error inside the answer). */
    CompletableFuture<Variable> evaluate(String expression);

    /** Gives the scalar {@code expression} the value of {@code value} (gdb's {@code set var}); answers it as read back. */
    CompletableFuture<Variable> setVariable(String expression, String value);
}
