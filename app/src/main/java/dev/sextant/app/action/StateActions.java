package dev.sextant.app.action;

import dev.sextant.app.view.variables.StateSource;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.Variable;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** The Variables and Watches views' requests as engine commands in the current scope (the views cross to the FX thread with {@code FxThread.whenDone}). */
public final class StateActions implements StateSource {
    /** Elements of an array the tree shows; more are a scroll away in the Memory view. */
    static final int ELEMENTS = 100;
    private final Engine engine;

    public StateActions(Engine engine) { this.engine = engine; }

    @Override public CompletableFuture<List<Variable>> variables() {
        return engine.submit(new Command.ReadVariables(Optional.empty(), OptionalInt.empty(), ELEMENTS));
    }

    @Override public CompletableFuture<Variable> evaluate(String expression) {
        return engine.submit(new Command.Evaluate(Optional.empty(), OptionalInt.empty(), expression));
    }

    @Override public CompletableFuture<Variable> setVariable(String expression, String value) {
        return engine.submit(new Command.SetVariable(Optional.empty(), OptionalInt.empty(), expression, value));
    }
}
