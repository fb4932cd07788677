package dev.sextant.app.view.memory;

import dev.sextant.engine.api.Address;
import java.util.concurrent.CompletableFuture;

/** What the Memory view asks of the engine (implemented by an action; the view holds no engine). */
public interface MemorySource {
    /** An address expression in the current scope; completes on the FX thread. */
    CompletableFuture<Address> evaluate(String expression);

    /** Asks for {@code length} bytes at {@code start}; they arrive as a {@code MemoryRead} event through the bridge. */
    void read(Address start, int length);
}
