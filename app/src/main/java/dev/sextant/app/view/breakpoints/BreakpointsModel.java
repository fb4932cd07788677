package dev.sextant.app.view.breakpoints;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.DebugEvent;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The breakpoints of the live target, kept from {@code BreakpointChanged} events, in the order they were set. FX thread. */
public final class BreakpointsModel {
    private final ObservableList<Breakpoint> rows = FXCollections.observableArrayList();
    private final ObservableList<Breakpoint> readOnly = FXCollections.unmodifiableObservableList(rows);

    public ObservableList<Breakpoint> rows() { return readOnly; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.BreakpointChanged c) {
                int at = indexOf(c.breakpoint().id());
                if (c.removed()) {
                    if (at >= 0) rows.remove(at);
                } else if (at >= 0) {
                    rows.set(at, c.breakpoint());
                } else {
                    rows.add(c.breakpoint());
                }
            } else if (e instanceof DebugEvent.TargetOpened || e instanceof DebugEvent.TargetClosed || e instanceof DebugEvent.ProcessExited) {
                rows.clear();           // breakpoints belong to one process: detaching removes them
            }
        }
    }

    private int indexOf(int id) {
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).id() == id) return i;
        return -1;
    }
}
