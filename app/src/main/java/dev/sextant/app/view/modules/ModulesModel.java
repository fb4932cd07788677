package dev.sextant.app.view.modules;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.SymbolLoadStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The modules of the current target, as they are reported, with each one's symbol state. A batch
 * of symbol-state events touches each row once (the last state wins), in place (see {@link ModuleRow}),
 * so 200 modules downloading at once cost 200 single-cell changes per pulse at most.
 */
public final class ModulesModel {
    // A batch's symbol-state changes reach the list as one "updated" change: the filter and the sort
    // see them once, and TableView refreshes cells in place instead of rebuilding them all.
    private final ModuleRows rows = new ModuleRows();
    private final ObservableList<ModuleRow> readOnly = FXCollections.unmodifiableObservableList(rows);
    private final Map<String, SymbolLoadStatus> symbolStates = new HashMap<>();   // by base, also for rows not reported yet
    private final Map<String, Integer> rowByBase = new HashMap<>();
    private final Map<String, Integer> addedByBase = new HashMap<>();    // rows of this batch not yet in the table
    private final Map<String, Integer> unloadedByPath = new HashMap<>();   // rows of unloaded modules, by path
    private int unloaded;                                                  // how many rows say "unloaded"
    private long stopId = -1;

    public ObservableList<ModuleRow> rows() { return readOnly; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        List<ModuleRow> added = new ArrayList<>();
        Map<String, SymbolLoadStatus> changed = new LinkedHashMap<>();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                forgetAll(added, changed);
            } else if (e instanceof DebugEvent.ModuleLoaded m && m.stopId() >= stopId) {
                ModuleRow r = row(m.module());
                // A live target reports its first modules twice: from /proc/PID/maps when it is
                // opened and again from the dynamic linker's list. One row per loaded module: the
                // second report fills in what the first lacked.
                Integer pending = addedByBase.get(r.base());
                if (pending != null) {
                    added.set(pending, merged(added.get(pending), r));
                } else {
                    Integer i = rowByBase.get(r.base());
                    int gone = i == null || rows.get(i).symbols().equals("unloaded") ? unloadedRow(r.path()) : -1;
                    if (i != null && !rows.get(i).symbols().equals("unloaded")) {
                        rows.set(i, merged(rows.get(i), r));
                    } else if (gone >= 0) {
                        reuse(gone, r);
                    } else {
                        addedByBase.put(r.base(), added.size());
                        added.add(r);
                    }
                }
            } else if (e instanceof DebugEvent.SymbolStatusChanged s && s.stopId() >= stopId) {
                changed.put(s.status().base().toString(), s.status());
            } else if (e instanceof DebugEvent.ModuleUnloaded u && u.stopId() >= stopId) {
                addRows(added);
                String base = u.base().toString();
                for (int i = rows.size() - 1; i >= 0; i--) {
                    ModuleRow r = rows.get(i);
                    if (r.base().equals(base) && !r.symbols().equals("unloaded")) {
                        rows.set(i, r.withSymbols("unloaded"));
                        if (!r.path().isEmpty()) unloadedByPath.put(r.path(), i);
                        unloaded++;
                        break;
                    }
                }
                trimUnloaded();
            } else if (e instanceof DebugEvent.TargetClosed) {
                forgetAll(added, changed);
            }
        }
        addRows(added);
        symbolStates.putAll(changed);
        // In place, never a replaced row: a replaced row (or setAll) makes the table rebuild every
        // visible cell (bench/fx-pulse.sh, 200 modules loading at once: the longest FX pulse 70–200 ms
        // with setAll, 31–197 ms with one set per row).
        int[] updated = new int[changed.size()];
        int n = 0;
        for (var c : changed.entrySet()) {
            Integer i = rowByBase.get(c.getKey());
            if (i != null && rows.get(i).setSymbolState(c.getValue())) updated[n++] = i;
        }
        rows.updated(java.util.Arrays.stream(updated, 0, n).sorted().toArray());
    }

    /** How many rows of modules no longer loaded are kept (the oldest go first): a long session's dlopen/dlclose stays bounded. */
    public static final int UNLOADED_LIMIT = 64;

    /** The row of an unloaded module with this path, which a new load of the same file takes over; -1 if none. */
    /** A target opened or closed: every row and what this batch has gathered so far go. */
    private void forgetAll(List<ModuleRow> added, Map<String, SymbolLoadStatus> changed) {
        added.clear();
        addedByBase.clear();
        changed.clear();
        rows.clear();
        rowByBase.clear();
        symbolStates.clear();
        unloadedByPath.clear();
        unloaded = 0;
    }

    private int unloadedRow(String path) {
        Integer i = path.isEmpty() ? null : unloadedByPath.get(path);
        if (i == null || i >= rows.size() || !rows.get(i).symbols().equals("unloaded") || !rows.get(i).path().equals(path)) return -1;
        return i;
    }

    /** The module loaded again: its row of the last load shows this load (one row per file, not one per dlopen). */
    private void reuse(int index, ModuleRow r) {
        ModuleRow old = rows.get(index);
        if (Integer.valueOf(index).equals(rowByBase.get(old.base()))) rowByBase.remove(old.base());
        unloadedByPath.remove(old.path());
        unloaded--;
        rowByBase.put(r.base(), index);
        SymbolLoadStatus known = symbolStates.get(r.base());
        if (known != null) r.setSymbolState(known);
        rows.set(index, r);
    }

    /** Drops the oldest unloaded rows beyond the limit (O(rows), only when over it: a storm of new modules costs nothing here). */
    private void trimUnloaded() {
        if (unloaded <= UNLOADED_LIMIT) return;
        for (int i = 0; i < rows.size() && unloaded > UNLOADED_LIMIT; ) {
            if (rows.get(i).symbols().equals("unloaded")) {
                rows.remove(i);
                unloaded--;
            } else {
                i++;
            }
        }
        rowByBase.clear();
        unloadedByPath.clear();
        for (int i = 0; i < rows.size(); i++) {
            ModuleRow r = rows.get(i);
            if (!r.symbols().equals("unloaded") || !rowByBase.containsKey(r.base())) rowByBase.put(r.base(), i);
            if (r.symbols().equals("unloaded") && !r.path().isEmpty()) unloadedByPath.put(r.path(), i);
        }
    }

    /** The row already shown, with the fields it lacked taken from a second report of the same module. */
    private static ModuleRow merged(ModuleRow old, ModuleRow again) {
        boolean keepPath = !old.path().isEmpty() && !old.path().startsWith("[");
        return new ModuleRow(keepPath || again.name().isEmpty() ? old.name() : again.name(),
                keepPath || again.path().isEmpty() ? old.path() : again.path(), old.base(),
                old.size().equals("0x0") ? again.size() : old.size(), old.buildId().isEmpty() ? again.buildId() : old.buildId(),
                old.symbols().equals("found") ? old.symbols() : again.symbols(), old.file().isEmpty() ? again.file() : old.file(),
                old.symbolState());
    }

    private void addRows(List<ModuleRow> added) {
        if (added.isEmpty()) return;
        List<ModuleRow> out = new ArrayList<>(added.size());
        for (ModuleRow r : added) {
            rowByBase.put(r.base(), rows.size() + out.size());
            SymbolLoadStatus known = symbolStates.get(r.base());
            if (known != null) r.setSymbolState(known);
            out.add(r);
        }
        rows.addAll(out);
        added.clear();
        addedByBase.clear();
    }

    static ModuleRow row(Module m) {
        return new ModuleRow(m.shortName(), m.path(), m.base().toString(), "0x" + Long.toHexString(m.size()),
                m.buildId().orElse(""), m.found() ? "found" : "not found", m.file().orElse(""));
    }
}
