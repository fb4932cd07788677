package dev.sextant.engine.api;

import java.util.Set;

/**
 * How values are shown, as dbgeng's type options ({@code DEBUG_TYPEOPTS_*}) are: changing them
 * raises {@code ChangeSymbolState(DEBUG_CSS_TYPE_OPTIONS, mask)} to every listener that asked for it.
 */
public enum TypeOption {
    /** Show integer values (registers, sizes) in decimal instead of hexadecimal ({@code DEBUG_TYPEOPTS_FORCERADIX_OUTPUT} with radix 10). */
    DECIMAL_VALUES;

    /** The options as a bit set, bit {@code ordinal()} for each: the notification's argument. */
    public static long mask(Set<TypeOption> options) {
        return OptionMask.of(options);
    }

    /** The inverse of {@link #mask}: unknown bits are ignored. */
    public static Set<TypeOption> fromMask(long mask) {
        return OptionMask.toSet(mask, TypeOption.class);
    }
}
