package dev.sextant.engine.symbols;

/**
 * A symbol callback, as registered with DbgHelp's {@code SymRegisterCallback64}: called on the
 * engine thread, in order, with each {@link SymbolEvent} and the user context given at
 * registration. Must return quickly and must not call back into the handler. The return value
 * matters only for {@link SymbolEvent.DeferredLoadCancel} queries: {@code true} cancels the load
 * (as {@code CBA_DEFERRED_SYMBOL_LOAD_CANCEL}); for other events return false. A callback that
 * throws is reported (an {@link SymbolEvent.Message} of severity ERROR) and unregistered.
 */
@FunctionalInterface
public interface SymbolCallback {
    boolean onSymbolEvent(SymbolEvent event, Object userContext);
}
