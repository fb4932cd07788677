package dev.sextant.engine.symbols;

import dev.sextant.engine.api.SearchStep;
import dev.sextant.engine.api.SymbolSource;
import dev.sextant.engine.api.SymbolMatch;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Severity;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a symbol callback is told: one immutable record per DbgHelp callback action
 * ({@code CBA_*}), named by {@link #action()}. Raised on the engine thread.
 */
public sealed interface SymbolEvent {

    /** The seed's action codes ({@code CBA_DEFERRED_SYMBOL_LOAD_START} …), one per record type. */
    enum Action {
        DEFERRED_SYMBOL_LOAD_START, DEFERRED_SYMBOL_LOAD_COMPLETE, DEFERRED_SYMBOL_LOAD_PARTIAL,
        DEFERRED_SYMBOL_LOAD_FAILURE, DEFERRED_SYMBOL_LOAD_CANCEL, SYMBOLS_UNLOADED, DUPLICATE_SYMBOL,
        SET_OPTIONS, EVENT, DEBUG_INFO;

        /** {@code "CBA_DEFERRED_SYMBOL_LOAD_START"}. */
        public String seedName() { return "CBA_" + name(); }
    }

    Action action();

    /** {@code CBA_DEFERRED_SYMBOL_LOAD_START}: before each attempt to load a module's symbols. */
    record DeferredLoadStart(String module, Address base, Optional<String> file, Optional<String> buildId)
            implements SymbolEvent {
        public Action action() { return Action.DEFERRED_SYMBOL_LOAD_START; }
    }

    /** {@code CBA_DEFERRED_SYMBOL_LOAD_COMPLETE}: symbols loaded from {@code source}; {@code symbolFile} is the file read. */
    record DeferredLoadComplete(String module, Address base, SymbolSource source, Optional<String> symbolFile,
                                int symbolCount, boolean lineInfo) implements SymbolEvent {
        public Action action() { return Action.DEFERRED_SYMBOL_LOAD_COMPLETE; }
    }

    /** {@code CBA_DEFERRED_SYMBOL_LOAD_PARTIAL}: some symbols but not all that was asked (why: {@code reason}). */
    record DeferredLoadPartial(String module, Address base, SymbolSource source, Optional<String> symbolFile,
                               int symbolCount, String reason) implements SymbolEvent {
        public Action action() { return Action.DEFERRED_SYMBOL_LOAD_PARTIAL; }
    }

    /** {@code CBA_DEFERRED_SYMBOL_LOAD_FAILURE}: no symbols; every place tried and why each failed. */
    record DeferredLoadFailure(String module, Address base, List<SearchStep> tried, boolean cancelled, String reason)
            implements SymbolEvent {
        public DeferredLoadFailure { tried = List.copyOf(tried); }
        public Action action() { return Action.DEFERRED_SYMBOL_LOAD_FAILURE; }
    }

    /**
     * {@code CBA_DEFERRED_SYMBOL_LOAD_CANCEL}: a query during a long load (each download progress
     * step); a callback returning true cancels it. {@code total} is 0 when the size is unknown.
     */
    record DeferredLoadCancel(String module, Address base, long done, long total) implements SymbolEvent {
        public Action action() { return Action.DEFERRED_SYMBOL_LOAD_CANCEL; }
    }

    /** {@code CBA_SYMBOLS_UNLOADED}. */
    record SymbolsUnloaded(String module, Address base) implements SymbolEvent {
        public Action action() { return Action.SYMBOLS_UNLOADED; }
    }

    /** {@code CBA_DUPLICATE_SYMBOL}: a name lookup found the name in more than one place. */
    record DuplicateSymbol(String name, List<SymbolMatch> matches) implements SymbolEvent {
        public DuplicateSymbol { matches = List.copyOf(matches); }
        public Action action() { return Action.DUPLICATE_SYMBOL; }
    }

    /** {@code CBA_SET_OPTIONS}: the options now in force. */
    record SetOptions(Set<SymbolOption> options) implements SymbolEvent {
        public SetOptions { options = Set.copyOf(options); }
        public Action action() { return Action.SET_OPTIONS; }
    }

    /** {@code CBA_EVENT}: a message for people; {@code percent} is set for download progress. */
    record Message(Severity severity, Optional<String> module, String text, OptionalInt percent) implements SymbolEvent {
        public Action action() { return Action.EVENT; }
    }

    /** {@code CBA_DEBUG_INFO}: one search step in words (raised with {@link SymbolOption#DEBUG} only). */
    record DebugInfo(Optional<String> module, String text) implements SymbolEvent {
        public Action action() { return Action.DEBUG_INFO; }
    }
}
