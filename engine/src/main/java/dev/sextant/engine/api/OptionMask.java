package dev.sextant.engine.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * A set of option flags as the bit mask a {@code ChangeSymbolState} notification carries: bit
 * {@code ordinal()} for each option (as DbgHelp passes its {@code SYMOPT_*} mask), and back.
 */
final class OptionMask {
    private OptionMask() {}

    static <E extends Enum<E>> long of(Set<E> options) {
        long m = 0;
        for (E o : options) m |= 1L << o.ordinal();
        return m;
    }

    /** Unknown bits are ignored. */
    static <E extends Enum<E>> Set<E> toSet(long mask, Class<E> type) {
        EnumSet<E> out = EnumSet.noneOf(type);
        for (E o : type.getEnumConstants()) if ((mask & (1L << o.ordinal())) != 0) out.add(o);
        return Set.copyOf(out);
    }
}
