package dev.sextant.engine.api;

import java.util.EnumSet;
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
        long m = 0;
        for (TypeOption o : options) m |= 1L << o.ordinal();
        return m;
    }

    /** The inverse of {@link #mask}: unknown bits are ignored. */
    public static Set<TypeOption> fromMask(long mask) {
        EnumSet<TypeOption> out = EnumSet.noneOf(TypeOption.class);
        for (TypeOption o : values()) if ((mask & (1L << o.ordinal())) != 0) out.add(o);
        return Set.copyOf(out);
    }
}
