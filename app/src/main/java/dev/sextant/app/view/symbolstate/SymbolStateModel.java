package dev.sextant.app.view.symbolstate;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.EngineListener;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The live log of {@code ChangeSymbolState} notifications: flags decoded, and the argument decoded
 * to a module name where it is a module base (LOADS, UNLOADS). Keeps the newest 100,000 rows.
 */
public final class SymbolStateModel {
    private static final int MAX_ROWS = 100_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final ObservableList<SymbolStateRow> rows = FXCollections.observableArrayList();
    private final ObservableList<SymbolStateRow> readOnly = FXCollections.unmodifiableObservableList(rows);
    private final Map<Long, String> modulesByBase = new HashMap<>();
    private long sequence;

    public ObservableList<SymbolStateRow> rows() { return readOnly; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        List<SymbolStateRow> added = new ArrayList<>();
        String now = LocalTime.now().format(TIME);
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.ModuleLoaded m) {
                modulesByBase.put(m.module().base().value(), m.module().shortName());
            } else if (e instanceof DebugEvent.ModuleUnloaded u) {
                modulesByBase.putIfAbsent(u.base().value(), shortName(u.path()));
            } else if (e instanceof DebugEvent.TargetOpened) {
                rows.clear();
                modulesByBase.clear();
            } else if (e instanceof DebugEvent.SymbolStateChanged c) {
                added.add(new SymbolStateRow(++sequence, now, EngineListener.describe(c.flags()), argument(c.flags(), c.argument())));
            }
        }
        rows.addAll(added);
        if (rows.size() > MAX_ROWS) rows.remove(0, rows.size() - MAX_ROWS);
    }

    private String argument(int flags, long argument) {
        boolean base = flags == EngineListener.DEBUG_CSS_LOADS || flags == EngineListener.DEBUG_CSS_UNLOADS;
        String hex = "0x" + Long.toHexString(argument);
        if (base && argument != 0) return hex + " " + modulesByBase.getOrDefault(argument, "");
        if (flags == EngineListener.DEBUG_CSS_UNLOADS && argument == 0) return "0 (several modules)";
        return hex;
    }

    private static String shortName(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
