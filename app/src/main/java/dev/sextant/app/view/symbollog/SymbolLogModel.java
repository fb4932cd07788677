package dev.sextant.app.view.symbollog;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The symbol load log: the symbol handler's messages ({@code CBA_EVENT}) and, with the Debug
 * option, each search step ({@code CBA_DEBUG_INFO}), newest last. Keeps the last {@link #LIMIT} lines.
 */
public final class SymbolLogModel {
    public static final int LIMIT = 20_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final ObservableList<SymbolLogRow> rows = FXCollections.observableArrayList();
    private final ObservableList<SymbolLogRow> readOnly = FXCollections.unmodifiableObservableList(rows);

    public ObservableList<SymbolLogRow> rows() { return readOnly; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        List<SymbolLogRow> added = new ArrayList<>();
        String now = null;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.SymbolLoadLogged l) {
                if (now == null) now = LocalTime.now().format(TIME);
                added.add(new SymbolLogRow(now, l.debugInfo() ? "search" : "event", l.severity().name().toLowerCase(java.util.Locale.ROOT),
                        l.module().map(m -> m.substring(m.lastIndexOf('/') + 1)).orElse(""), l.text()));
            }
        }
        if (added.isEmpty()) return;
        int over = rows.size() + added.size() - LIMIT;
        if (over > 0) rows.remove(0, Math.min(over, rows.size()));
        rows.addAll(added.size() > LIMIT ? added.subList(added.size() - LIMIT, added.size()) : added);
    }
}
