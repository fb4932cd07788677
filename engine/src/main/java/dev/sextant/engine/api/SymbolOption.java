package dev.sextant.engine.api;

import java.util.EnumSet;
import java.util.Set;

/** The symbol handler's options, a set of flags as with DbgHelp's {@code SymSetOptions} ({@code SYMOPT_*}). */
public enum SymbolOption {
    /** {@code SYMOPT_DEFERRED_LOADS}: list modules at once, load their symbols when first needed. */
    DEFERRED_LOADS,
    /** {@code SYMOPT_LOAD_LINES}: load DWARF for source lines, not only the symbol table. */
    LOAD_LINES,
    /** Search every local place before any debuginfod server (off: servers first). */
    PREFER_LOCAL,
    /** Ask the debuginfod servers of the symbol path at all. */
    DEBUGINFOD,
    /** {@code SYMOPT_LOAD_ANYTHING}: accept a debuglink file whose CRC does not match (reported as partial). */
    LOAD_ANYTHING,
    /** {@code SYMOPT_DEBUG} ({@code !sym noisy}): raise {@code DEBUG_INFO} with every search step. */
    DEBUG;

    /**
     * The options as a bit set, bit {@code ordinal()} for each: the argument of a
     * {@code ChangeSymbolState(DEBUG_CSS_SYMBOL_OPTIONS, …)} notification, as DbgHelp passes its
     * {@code SYMOPT_*} mask.
     */
    public static long mask(Set<SymbolOption> options) {
        return OptionMask.of(options);
    }

    /** The inverse of {@link #mask}: unknown bits are ignored. */
    public static Set<SymbolOption> fromMask(long mask) {
        return OptionMask.toSet(mask, SymbolOption.class);
    }

    /** Deferred loads, line info, local first, debuginfod on. */
    public static Set<SymbolOption> defaults() {
        return Set.copyOf(EnumSet.of(DEFERRED_LOADS, LOAD_LINES, PREFER_LOCAL, DEBUGINFOD));
    }
}
