package dev.sextant.app.view.unwind;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DynamicTable;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.UnwindEntry;
import dev.sextant.engine.api.UnwindTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The tables the Unwind tables view offers (every module with a file, every dynamic table of the live
 * target, which come and go with {@link DebugEvent.DynamicTableChanged}) and the entries and detail of
 * the one picked. A module's file is read on a worker thread (libLLVM has 10⁵ FDEs); picking another
 * table or pressing Cancel drops a read in flight. Rows and properties belong to the FX thread.
 */
public final class UnwindTablesModel {
    private final ObservableList<TableSourceRow> sources = FXCollections.observableArrayList();
    private final ObservableList<UnwindEntryRow> entries = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper("");
    /** What the status says before a pick: short, as the default layout gives the bar little room. */
    static final String PICK = "Pick a table";

    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(PICK);
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
    private final Engine engine;
    private Optional<TableSourceRow> picked = Optional.empty();
    private long generation;                    // FX thread: bumps on each pick, so late results of an older pick are dropped
    private long stopId = -1;

    public UnwindTablesModel(Engine engine) {
        this.engine = engine;
    }

    public ObservableList<TableSourceRow> sources() { return FXCollections.unmodifiableObservableList(sources); }
    public ObservableList<UnwindEntryRow> entries() { return FXCollections.unmodifiableObservableList(entries); }
    public ReadOnlyStringProperty detail() { return detail.getReadOnlyProperty(); }
    public ReadOnlyStringProperty status() { return status.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty loading() { return loading.getReadOnlyProperty(); }
    public Optional<TableSourceRow> picked() { return picked; }

    /** True while {@link #apply} changes the lists: a table's selection moving then is not the user's pick. */
    public boolean applying() { return applying; }

    private boolean applying;

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        applying = true;
        try {
            applyAll(batch);
        } finally {
            applying = false;
        }
    }

    private void applyAll(List<DebugEvent> batch) {
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                sources.clear();
                clearPick(PICK);
            } else if (e instanceof DebugEvent.ModuleLoaded m && m.stopId() >= stopId) {
                Module mod = m.module();
                if (mod.file().isPresent()) {
                    sources.add(new TableSourceRow(mod.shortName(), "module", range(mod.base().value(), mod.size()), mod.file(), Optional.empty()));
                }
            } else if (e instanceof DebugEvent.DynamicTableChanged d && d.stopId() >= stopId) {
                DynamicTable t = d.table();
                sources.removeIf(r -> r.table().map(x -> x.id() == t.id()).orElse(false));
                if (picked.flatMap(TableSourceRow::table).map(x -> x.id() == t.id()).orElse(false)) {
                    clearPick(d.removed() ? "The target unregistered this table" : "The target registered this table again");
                }
                if (!d.removed()) {
                    sources.add(new TableSourceRow(t.origin() + " @" + t.base(), "dynamic: " + t.origin(),
                            range(t.base().value(), t.length()), Optional.empty(), Optional.of(t)));
                }
            } else if (e instanceof DebugEvent.TargetClosed) {
                sources.removeIf(TableSourceRow::dynamic);
                if (picked.map(TableSourceRow::dynamic).orElse(false)) clearPick("The target is closed");
            }
        }
    }

    private static String range(long base, long length) {
        return "0x" + Long.toHexString(base) + "–0x" + Long.toHexString(base + length);
    }

    private void clearPick(String why) {
        generation++;
        picked = Optional.empty();
        entries.clear();
        detail.set("");
        loading.set(false);
        status.set(why);
    }

    /** Shows the entries of {@code source}: at once for a dynamic table, after a read on the worker for a module. */
    public void pick(TableSourceRow source) {
        FxThread.check();
        clearPick("");
        picked = Optional.of(source);
        long gen = generation;
        if (source.table().isPresent()) {
            List<UnwindEntryRow> rows = new ArrayList<>();
            List<DynamicTable.Function> fs = source.table().get().functions();
            for (int i = 0; i < fs.size(); i++) {
                DynamicTable.Function f = fs.get(i);
                rows.add(new UnwindEntryRow(i, f.start().toString(), f.end().toString(), f.name().orElse(""),
                        source.table().get().origin(), f.unwind(), f.start().value(), f.end().value()));
            }
            entries.setAll(rows);
            status.set(rows.size() + " functions registered through the " + source.table().get().origin());
            return;
        }
        Path file = Path.of(source.file().orElseThrow());
        loading.set(true);
        status.set("Reading the unwind tables of " + file + "… (Esc or Cancel stops)");
        // Rows are made where the answer arrives (libLLVM has 10⁵ FDEs), not on the FX thread.
        CompletableFuture<Listed> listed = engine.submit(new Command.ListUnwindTables(file)).thenApply(t -> listed(file, t));
        FxThread.whenDone(listed, l -> {
            if (gen != generation) return;
            loading.set(false);
            entries.setAll(l.rows());
            status.set(l.message());
        }, e -> {
            if (gen != generation) return;
            loading.set(false);
            entries.clear();
            status.set(file + ": the unwind tables cannot be read (" + e.getMessage() + "); pick another module");
        });
    }

    private record Listed(List<UnwindEntryRow> rows, String message) {}

    private static Listed listed(Path file, UnwindTables t) {
        List<UnwindEntryRow> rows = new ArrayList<>(t.entries().size());
        for (UnwindEntry en : t.entries()) {
            rows.add(new UnwindEntryRow(en.index(), "0x" + Long.toHexString(en.start()), "0x" + Long.toHexString(en.end()),
                    en.symbol(), en.section(), en.augmentation().isEmpty() ? (en.lsda() ? "LSDA" : "")
                    : "\"" + en.augmentation() + "\"" + (en.lsda() ? ", LSDA" : ""), en.start(), en.end()));
        }
        String message = rows.size() + " FDEs in " + file.getFileName() + " (addresses as in the file)"
                + (t.symbolFile().equals(file) ? "" : "; names from " + t.symbolFile())
                + (t.problems().isEmpty() ? "" : "; " + t.problems().size() + " problems: " + t.problems().get(0));
        return new Listed(rows, message);
    }

    /** Stops waiting for a module's read: its result will be dropped. */
    public void cancel() {
        FxThread.check();
        if (loading.get()) clearPick("Cancelled");
    }

    /** Shows the decoded rows (or, for a dynamic table, the table's own text) of {@code entry}. */
    public void select(UnwindEntryRow entry) {
        FxThread.check();
        if (entry == null || picked.isEmpty()) { detail.set(""); return; }
        if (picked.get().table().isPresent()) {
            DynamicTable.Function f = picked.get().table().get().functions().get(entry.index());
            detail.set(f.name().orElse("(no name)") + " " + f.start() + "..0x" + Long.toHexString(f.end().value())
                    + ", " + f.unwind() + "\n\n" + f.detail());
            return;
        }
        long gen = generation;
        Path file = Path.of(picked.get().file().orElseThrow());
        FxThread.whenDone(engine.submit(new Command.DescribeUnwindEntry(file, entry.index())),
                text -> { if (gen == generation) detail.set(text); },
                e -> { if (gen == generation) detail.set("the entry cannot be decoded: " + e.getMessage()); });
    }

    /** The first entry covering {@code address}, if any (the address search). */
    public Optional<UnwindEntryRow> find(long address) {
        return entries.stream().filter(r -> r.covers(address)).findFirst();
    }
}
