package dev.sextant.engine.api;

import java.util.List;

/**
 * The answer to {@code QuerySymbols}: every module's symbol state, the matches of the patterns, one
 * {@link AddressInfo} per address (in order), and the time opening the target and the lookups took.
 * With {@link SymbolOption#DEBUG} every symbol event arrives as {@link DebugEvent.SymbolLoadLogged} meanwhile.
 */
public record SymbolReport(List<ModuleSymbols> modules, List<SymbolMatch> matches, List<AddressInfo> addresses,
                           long openNanos, long lookupNanos) {
    public SymbolReport {
        modules = List.copyOf(modules);
        matches = List.copyOf(matches);
        addresses = List.copyOf(addresses);
    }
}
