package dev.sextant.app.action;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.memory.MemorySource;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Engine;
import java.util.concurrent.CompletableFuture;

/** The Memory view's requests as engine commands; answers come back on the FX thread (bytes as events). */
public final class MemoryActions implements MemorySource {
    private final Engine engine;

    public MemoryActions(Engine engine) { this.engine = engine; }

    @Override public CompletableFuture<Address> evaluate(String expression) {
        CompletableFuture<Address> onFx = new CompletableFuture<>();
        FxThread.whenDone(engine.submit(new Command.EvaluateAddress(expression)), onFx::complete, onFx::completeExceptionally);
        return onFx;
    }

    /** A failed read (the target went away meanwhile) leaves the page blank: the next stop asks again. */
    @Override public void read(Address start, int length) {
        engine.submit(new Command.ReadMemory(start, length));
    }
}
