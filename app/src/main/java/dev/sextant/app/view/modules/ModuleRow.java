package dev.sextant.app.view.modules;

import dev.sextant.engine.api.SymbolLoadStatus;
import java.util.Optional;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One row of the Modules table: {@code symbols} says whether the module's file was found,
 * {@code symbolState} what the symbol handler did with it (empty until it reports).
 *
 * <p>Everything is immutable except the symbol state, which is observable and set in place by
 * {@link ModulesModel} (FX thread). Why not a record replaced on every change: TableView treats a
 * replaced item as "every visible row may be stale" and rebuilds every visible cell (their CSS, text
 * layout and graphics); with 200 modules loading at once that was most of each long FX pulse
 * (bench/fx-pulse.sh). A changed property repaints its one cell.
 */
public final class ModuleRow {
    private final String name, path, base, size, buildId, symbols, file;
    private final ReadOnlyObjectWrapper<Optional<SymbolLoadStatus>> symbolState;
    private final ReadOnlyStringWrapper symbolStatus;

    public ModuleRow(String name, String path, String base, String size, String buildId, String symbols, String file,
                     Optional<SymbolLoadStatus> symbolState) {
        this.name = name;
        this.path = path;
        this.base = base;
        this.size = size;
        this.buildId = buildId;
        this.symbols = symbols;
        this.file = file;
        this.symbolState = new ReadOnlyObjectWrapper<>(this, "symbolState", symbolState);
        this.symbolStatus = new ReadOnlyStringWrapper(this, "symbolStatus", describe(symbolState));
    }

    public ModuleRow(String name, String path, String base, String size, String buildId, String symbols, String file) {
        this(name, path, base, size, buildId, symbols, file, Optional.empty());
    }

    public String name() { return name; }

    public String path() { return path; }

    public String base() { return base; }

    public String size() { return size; }

    public String buildId() { return buildId; }

    public String symbols() { return symbols; }

    public String file() { return file; }

    /** What the symbol handler last reported for this module, empty before it reports. */
    public Optional<SymbolLoadStatus> symbolState() { return symbolState.get(); }

    public ReadOnlyObjectProperty<Optional<SymbolLoadStatus>> symbolStateProperty() { return symbolState.getReadOnlyProperty(); }

    /** {@code "loading 42%"}, {@code "loaded from debuginfod"}, or empty before the handler reports. */
    public String symbolStatus() { return symbolStatus.get(); }

    /** {@link #symbolStatus()} as it changes: what the Symbols cell shows. */
    public ReadOnlyStringProperty symbolStatusProperty() { return symbolStatus.getReadOnlyProperty(); }

    /** Whether the state changed. FX thread (the model's, which then reports the row updated). */
    boolean setSymbolState(SymbolLoadStatus s) {
        Optional<SymbolLoadStatus> now = Optional.of(s);
        if (now.equals(symbolState.get())) return false;
        symbolStatus.set(describe(now));
        symbolState.set(now);
        return true;
    }

    ModuleRow withSymbols(String s) {
        return new ModuleRow(name, path, base, size, buildId, s, file, symbolState());
    }

    String searchText() {
        return name + " " + path + " " + base + " " + buildId + " " + symbols + " " + file + " " + symbolStatus();
    }

    private static String describe(Optional<SymbolLoadStatus> s) {
        return s.map(SymbolLoadStatus::describe).orElse("");
    }

    @Override public String toString() {
        return "ModuleRow[" + name + ", " + base + ", " + symbols + ", " + symbolStatus() + "]";
    }
}
