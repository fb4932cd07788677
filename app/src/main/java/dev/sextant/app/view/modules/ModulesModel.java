package dev.sextant.app.view.modules;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Module;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The modules of the current target, as they are reported. */
public final class ModulesModel {
    private final ObservableList<ModuleRow> rows = FXCollections.observableArrayList();
    private final ObservableList<ModuleRow> readOnly = FXCollections.unmodifiableObservableList(rows);
    private long stopId = -1;

    public ObservableList<ModuleRow> rows() { return readOnly; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        List<ModuleRow> added = new ArrayList<>();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                added.clear();
                rows.clear();
            } else if (e instanceof DebugEvent.ModuleLoaded m && m.stopId() >= stopId) {
                added.add(row(m.module()));
            } else if (e instanceof DebugEvent.ModuleUnloaded u && u.stopId() >= stopId) {
                rows.addAll(added);
                added.clear();
                String base = u.base().toString();
                for (int i = rows.size() - 1; i >= 0; i--) {
                    ModuleRow r = rows.get(i);
                    if (r.base().equals(base) && !r.symbols().equals("unloaded")) {
                        rows.set(i, new ModuleRow(r.name(), r.path(), r.base(), r.size(), r.buildId(), "unloaded", r.file()));
                        break;
                    }
                }
            } else if (e instanceof DebugEvent.TargetClosed) {
                added.clear();
                rows.clear();
            }
        }
        rows.addAll(added);
    }

    static ModuleRow row(Module m) {
        return new ModuleRow(m.shortName(), m.path(), m.base().toString(), "0x" + Long.toHexString(m.size()),
                m.buildId().orElse(""), m.found() ? "found" : "not found", m.file().orElse(""));
    }
}
