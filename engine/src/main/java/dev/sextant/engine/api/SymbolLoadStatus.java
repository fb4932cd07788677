package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One module's symbol state as the views show it: which module ({@code base} as its
 * {@link Module#base()}), the status, the download's percent while loading (when the size is
 * known), where the symbols came from ("debuginfod", "build-id directory") and the file read, how
 * many symbols, whether there are source lines, why not (partial, failed, cancelled), and every
 * place searched in words ("debuginfod http://…: not found (404)"). Immutable.
 */
public record SymbolLoadStatus(String module, Address base, SymbolStatus status, OptionalInt percent,
                               Optional<String> source, Optional<String> symbolFile, int symbolCount, boolean lineInfo,
                               Optional<String> reason, List<String> placesSearched) {
    public SymbolLoadStatus { placesSearched = List.copyOf(placesSearched); }

    /** {@code "deferred"}, {@code "loading 42%"}, {@code "loaded from debuginfod"}, {@code "failed: no symbols…"}. */
    public String describe() {
        return switch (status) {
            case DEFERRED -> "deferred";
            case LOADING -> percent.isPresent() ? "loading " + percent.getAsInt() + "%" : "loading";
            case LOADED -> "loaded from " + source.orElse("?") + (lineInfo ? "" : " (no lines)");
            case PARTIAL -> "partial: " + reason.orElse("?");
            case FAILED -> "failed: " + reason.orElse("?");
            case CANCELLED -> "cancelled";
        };
    }
}
