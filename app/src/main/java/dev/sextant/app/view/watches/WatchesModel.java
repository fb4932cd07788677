package dev.sextant.app.view.watches;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.variables.RefreshTrigger;
import dev.sextant.app.view.variables.StateSource;
import dev.sextant.engine.api.DebugEvent;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The watch list: expressions the user added, each evaluated in the current frame at every stop and
 * scope change (errors per expression). FX thread.
 */
public final class WatchesModel {
    private final StateSource source;
    private final ObservableList<WatchRow> rows = FXCollections.observableArrayList();
    private final ObservableList<WatchRow> readOnly = FXCollections.unmodifiableObservableList(rows);
    private boolean evaluable;
    private long generation;

    public WatchesModel(StateSource source) { this.source = source; }

    public ObservableList<WatchRow> rows() { return readOnly; }

    public void add(String expression) {
        FxThread.check();
        String e = expression.strip();
        if (e.isEmpty()) return;
        rows.add(WatchRow.pending(e));
        evaluate(rows.size() - 1, generation);
    }

    public void remove(int index) {
        FxThread.check();
        if (index >= 0 && index < rows.size()) rows.remove(index);
    }

    public void edit(int index, String expression) {
        FxThread.check();
        if (index < 0 || index >= rows.size()) return;
        if (expression.isBlank()) {
            rows.remove(index);
            return;
        }
        rows.set(index, WatchRow.pending(expression.strip()));
        evaluate(index, generation);
    }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        switch (RefreshTrigger.of(batch)) {
            case REFRESH -> {
                evaluable = true;
                generation++;
                for (int i = 0; i < rows.size(); i++) evaluate(i, generation);
            }
            case RUNNING, CLOSED -> evaluable = false;
            default -> { }
        }
    }

    private void evaluate(int index, long asked) {
        if (!evaluable) return;
        String expression = rows.get(index).expression();
        FxThread.whenDone(source.evaluate(expression), v -> {
            if (asked != generation || index >= rows.size() || !rows.get(index).expression().equals(expression)) return;
            WatchRow before = rows.get(index);
            boolean changed = !before.value().isEmpty() && !before.value().equals(v.value());
            rows.set(index, new WatchRow(expression, v.value(), v.type(), v.error(), changed));
        }, e -> {
            if (asked != generation || index >= rows.size() || !rows.get(index).expression().equals(expression)) return;
            rows.set(index, new WatchRow(expression, "", "", java.util.Optional.of(e.getMessage()), false));
        });
    }
}
