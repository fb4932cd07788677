package dev.sextant.app.view.unwind;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DynamicTable;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.unwind.UnwindTableListing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
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
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Pick a module or a dynamic table");
    private final javafx.beans.property.ReadOnlyBooleanWrapper loading = new javafx.beans.property.ReadOnlyBooleanWrapper();
    /** One worker: a listing is touched only there (its CFI sections cache CIEs and are not thread-safe). */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sextant-unwind-tables");
        t.setDaemon(true);
        return t;
    });
    private Optional<TableSourceRow> picked = Optional.empty();
    private UnwindTableListing listing;          // worker thread only
    private long generation;                    // FX thread: bumps on each pick, so late results of an older pick are dropped
    private long stopId = -1;

    public ObservableList<TableSourceRow> sources() { return FXCollections.unmodifiableObservableList(sources); }
    public ObservableList<UnwindEntryRow> entries() { return FXCollections.unmodifiableObservableList(entries); }
    public ReadOnlyStringProperty detail() { return detail.getReadOnlyProperty(); }
    public ReadOnlyStringProperty status() { return status.getReadOnlyProperty(); }
    public javafx.beans.property.ReadOnlyBooleanProperty loading() { return loading.getReadOnlyProperty(); }
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
                clearPick("Pick a module or a dynamic table");
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
        worker.execute(() -> {
            List<UnwindEntryRow> rows = new ArrayList<>();
            String message;
            try {
                listing = UnwindTableListing.open(file);
                for (UnwindTableListing.Entry en : listing.entries()) {
                    rows.add(new UnwindEntryRow(en.index(), "0x" + Long.toHexString(en.start()), "0x" + Long.toHexString(en.end()),
                            en.symbol(), en.section(), en.augmentation().isEmpty() ? (en.lsda() ? "LSDA" : "")
                            : "\"" + en.augmentation() + "\"" + (en.lsda() ? ", LSDA" : ""), en.start(), en.end()));
                }
                message = rows.size() + " FDEs in " + file.getFileName() + " (addresses as in the file)"
                        + (listing.symbolFile().equals(file) ? "" : "; names from " + listing.symbolFile())
                        + (listing.problems().isEmpty() ? "" : "; " + listing.problems().size() + " problems: " + listing.problems().get(0));
            } catch (java.io.IOException | RuntimeException e) {
                listing = null;
                message = file + ": the unwind tables cannot be read (" + e.getMessage() + "); pick another module";
            }
            String m = message;
            Platform.runLater(() -> {
                if (gen != generation) return;
                loading.set(false);
                entries.setAll(rows);
                status.set(m);
            });
        });
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
        worker.execute(() -> {
            String text = listing == null ? "" : listing.detail(new UnwindTableListing.Entry(entry.index(), entry.table(),
                    entry.startValue(), entry.endValue(), entry.symbol(), "", false));
            Platform.runLater(() -> { if (gen == generation) detail.set(text); });
        });
    }

    /** The first entry covering {@code address}, if any (the address search). */
    public Optional<UnwindEntryRow> find(long address) {
        return entries.stream().filter(r -> r.covers(address)).findFirst();
    }
}
