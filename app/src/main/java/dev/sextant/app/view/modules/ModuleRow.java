package dev.sextant.app.view.modules;

import dev.sextant.engine.api.SymbolLoadStatus;
import java.util.Optional;

/**
 * One row of the Modules table: {@code symbols} says whether the module's file was found,
 * {@code symbolState} what the symbol handler did with it (empty until it reports). Immutable.
 */
public record ModuleRow(String name, String path, String base, String size, String buildId, String symbols, String file,
                        Optional<SymbolLoadStatus> symbolState) {

    public ModuleRow(String name, String path, String base, String size, String buildId, String symbols, String file) {
        this(name, path, base, size, buildId, symbols, file, Optional.empty());
    }

    /** {@code "loading 42%"}, {@code "loaded from debuginfod"}, or empty before the handler reports. */
    public String symbolStatus() {
        return symbolState.map(SymbolLoadStatus::describe).orElse("");
    }

    ModuleRow withSymbols(String s) {
        return new ModuleRow(name, path, base, size, buildId, s, file, symbolState);
    }

    ModuleRow withSymbolState(SymbolLoadStatus s) {
        return new ModuleRow(name, path, base, size, buildId, symbols, file, Optional.of(s));
    }

    String searchText() {
        return name + " " + path + " " + base + " " + buildId + " " + symbols + " " + file + " " + symbolStatus();
    }
}
