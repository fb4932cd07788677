package dev.sextant.engine.dump;

import dev.sextant.engine.breakpad.StoreKey;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import java.util.Optional;

/**
 * Told of each module's Breakpad symbol load while a minidump is walked, on the reading thread: the
 * walk asks for a module's {@code .sym} the first time a frame needs it. The engine turns these into
 * the symbol handler's events (status, log, progress) and answers cancels through the listener.
 */
public interface BreakpadLoads {
    /** The load of module {@code module} (its path in the dump) at {@code base}, file {@code key}, starts: the listener of its lookups. */
    SymbolStores.Listener started(String module, long base, StoreKey key);

    /** It ended: the symbols read, or none (in no store, failed or cancelled). */
    default void ended(long base, Optional<BreakpadSymbols> symbols) {}

    /** Loads nobody watches (tests, tools). */
    BreakpadLoads NONE = (module, base, key) -> new SymbolStores.Listener() {};
}
