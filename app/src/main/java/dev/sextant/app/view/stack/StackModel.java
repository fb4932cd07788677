package dev.sextant.app.view.stack;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.Tid;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** Every thread's frames for the current target, and the frames of the selected thread as the list the view shows. */
public final class StackModel {
    private final ObservableList<FrameRow> rows = FXCollections.observableArrayList();
    private final ObservableList<FrameRow> readOnly = FXCollections.unmodifiableObservableList(rows);
    private final Map<Tid, List<FrameRow>> stacks = new HashMap<>();
    private final Map<Tid, String> stopReasons = new HashMap<>();
    /** Rows of each frame list met this stop: threads parked in the same place share one list, and so its rows. */
    private final Map<List<StackFrame>, List<FrameRow>> rowsOf = new IdentityHashMap<>();
    private final javafx.beans.property.ReadOnlyStringWrapper note = new javafx.beans.property.ReadOnlyStringWrapper("");
    private Optional<Tid> selected = Optional.empty();
    private long stopId = -1;

    public ObservableList<FrameRow> rows() { return readOnly; }

    /** Why unwinding of the selected thread stopped early, or empty. */
    public javafx.beans.property.ReadOnlyStringProperty note() { return note.getReadOnlyProperty(); }

    public void select(Tid tid) {
        FxThread.check();
        selected = Optional.of(tid);
        rows.setAll(stacks.getOrDefault(tid, List.of()));
        note.set(stopReasons.getOrDefault(tid, ""));
    }

    public Optional<Tid> selected() { return selected; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                stacks.clear();
                stopReasons.clear();
                rowsOf.clear();
                rows.clear();
                note.set("");
                // The selection stays: the Threads view selects the new target's first thread while
                // applying the same batch, before this model has seen TargetOpened.
            } else if (e instanceof DebugEvent.StackWalked s && s.stopId() >= stopId) {
                if (rowsOf.size() >= 4096) rowsOf.clear();      // a live session's stops each bring new lists
                List<FrameRow> frames = rowsOf.computeIfAbsent(s.stack().frames(), f -> f.stream().map(StackModel::row).toList());
                stacks.put(s.stack().tid(), frames);
                // A stack told again (a minidump's, walked anew after a symbol load) may end where it should now.
                s.stack().stopReason().ifPresentOrElse(r -> stopReasons.put(s.stack().tid(), "Unwinding stopped: " + r),
                        () -> stopReasons.remove(s.stack().tid()));
                if (selected.equals(Optional.of(s.stack().tid()))) select(s.stack().tid());
            } else if (e instanceof DebugEvent.TargetClosed) {
                stacks.clear();
                rowsOf.clear();
                rows.clear();
            }
        }
    }

    private static FrameRow row(StackFrame f) {
        return new FrameRow(f.index(), f.pc().toString(), f.location(), f.module().orElse(""), f.sourceLine().orElse(""), f.inline(),
                switch (f.source()) {
                    case REGISTERS -> "registers";
                    case CFI -> "CFI";
                    case INLINE -> "inlined";
                    case DYNAMIC_TABLE -> "dynamic table";
                    case FRAME_POINTER -> "frame pointer";
                    case UNWIND_INFO -> "unwind info";
                    case STACK_SCAN -> "stack scan";
                });
    }
}
