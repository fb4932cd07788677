package dev.sextant.app.view.breakpoints;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.StopReason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The breakpoints of the live target, kept from {@code BreakpointChanged} events, in the order they were set. FX thread. */
public final class BreakpointsModel {
    private final ObservableList<Breakpoint> rows = FXCollections.observableArrayList();
    private final ObservableList<Breakpoint> readOnly = FXCollections.unmodifiableObservableList(rows);

    private final Map<Integer, String> errors = new HashMap<>();
    /** Logpoints' messages, the last {@link #LOG_LINES}: {@code [bp 2, thread 4242] order 7 total 28}. */
    private final ObservableList<String> log = FXCollections.observableArrayList();
    static final int LOG_LINES = 2000;

    public ObservableList<String> log() { return FXCollections.unmodifiableObservableList(log); }

    public ObservableList<Breakpoint> rows() { return readOnly; }

    /** The last error of breakpoint {@code id}: its condition could not be evaluated at a hit, or an edit was refused. */
    public Optional<String> error(int id) { return Optional.ofNullable(errors.get(id)); }

    /** Shows an error in breakpoint {@code id}'s row (FX thread). */
    public void setError(int id, Optional<String> error) {
        FxThread.check();
        if (error.isPresent()) errors.put(id, error.get()); else errors.remove(id);
        int at = indexOf(id);
        if (at >= 0) rows.set(at, rows.get(at));           // the row is drawn again with its error
    }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.LogpointPrinted l) {
                log.add("[bp " + l.breakpointId() + ", thread " + l.tid() + "] " + l.message());
                if (log.size() > LOG_LINES) log.remove(0, log.size() - LOG_LINES);
            } else if (e instanceof DebugEvent.ProcessStopped s && s.reason() instanceof StopReason.ConditionFailed f) {
                errors.put(f.breakpointId(), f.error());
                int at = indexOf(f.breakpointId());
                if (at >= 0) rows.set(at, rows.get(at));
            } else if (e instanceof DebugEvent.BreakpointChanged c) {
                int at = indexOf(c.breakpoint().id());
                if (c.removed()) {
                    errors.remove(c.breakpoint().id());
                    if (at >= 0) rows.remove(at);
                } else if (at >= 0) {
                    rows.set(at, c.breakpoint());
                } else {
                    rows.add(c.breakpoint());
                }
            } else if (e instanceof DebugEvent.TargetOpened || e instanceof DebugEvent.TargetClosed || e instanceof DebugEvent.ProcessExited) {
                rows.clear();           // breakpoints belong to one process: detaching removes them
                errors.clear();
            }
        }
    }

    private int indexOf(int id) {
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).id() == id) return i;
        return -1;
    }
}
