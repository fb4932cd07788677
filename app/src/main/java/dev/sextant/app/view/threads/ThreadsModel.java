package dev.sextant.app.view.threads;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Signals;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StackGroup;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.animation.PauseTransition;
import javafx.util.Duration;
import java.util.Optional;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The threads of the current target, crashing thread first; the top frame fills in as stacks arrive. */
public final class ThreadsModel {
    private final ObservableList<ThreadRow> rows = FXCollections.observableArrayList();
    private final ObservableList<ThreadRow> readOnly = FXCollections.unmodifiableObservableList(rows);
    private final Map<Tid, Integer> index = new HashMap<>();
    private long stopId = -1;
    private long generation;
    /** Stack updates not yet in {@code rows}, by row index (see {@link #settle}). */
    private final Map<Integer, ThreadRow> pending = new LinkedHashMap<>();
    static final long COALESCE = 1_000_000;      // updates × rows below which single changes are cheaper
    static final int COALESCE_MILLIS = 200;
    private long lastFlush;
    private boolean flushQueued;
    private Tid stoppedThread;
    private boolean stoppedBySignal;   // a signal that stops for good (SIGSEGV…), not a breakpoint, step or break

    public ObservableList<ThreadRow> rows() { return readOnly; }

    /** The stop's stack groups by identical pcs (the engine's {@code StacksGrouped}); empty until they arrive. */
    public ReadOnlyObjectProperty<List<StackGroup>> groups() {
        return groups.getReadOnlyProperty();
    }

    /** The row of {@code tid}, when the target has that thread. */
    public Optional<ThreadRow> row(Tid tid) {
        Integer i = index.get(tid);
        return i == null ? Optional.empty() : Optional.of(rows.get(i));
    }

    private final ReadOnlyObjectWrapper<List<StackGroup>> groups = new ReadOnlyObjectWrapper<>(List.of());

    /** Bumps when the rows are a new list (a dump opened, a live stop): the view then shows the first row. */
    public long generation() { return generation; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened || e instanceof DebugEvent.TargetClosed || e instanceof DebugEvent.ThreadsRefreshed) {
                pending.clear();  // the rows are replaced
            } else if (e instanceof DebugEvent.ThreadCreated || e instanceof DebugEvent.ThreadExited || e instanceof DebugEvent.ProcessResumed) {
                flush();          // row indices stay those of the rows as they are
            }
            if (e instanceof DebugEvent.StacksGrouped g && g.stopId() >= stopId) {
                groups.set(g.byPc());
            } else if (e instanceof DebugEvent.TargetOpened o) {
                generation++;
                stopId = o.stopId();
                groups.set(List.of());
                List<ThreadRow> fresh = new ArrayList<>();
                for (ThreadInfo t : o.threads()) if (t.crashed()) fresh.add(row(t));
                for (ThreadInfo t : o.threads()) if (!t.crashed()) fresh.add(row(t));
                reindex(fresh);
                rows.setAll(fresh);
            } else if (e instanceof DebugEvent.ProcessStopped p && p.stopId() >= stopId) {
                stoppedThread = p.tid();
                stoppedBySignal = p.reason() instanceof dev.sextant.engine.api.StopReason.SignalReceived g && crashSignal(g.signal().number());
            } else if (e instanceof DebugEvent.ThreadsRefreshed r && r.stopId() >= stopId) {
                // The thread that stopped the process comes first and is marked, as a crashed one is in a dump.
                generation++;
                List<ThreadRow> fresh = new ArrayList<>();
                for (ThreadInfo t : r.threads()) if (t.tid().equals(stoppedThread)) fresh.add(marked(row(t), stoppedBySignal));
                for (ThreadInfo t : r.threads()) if (!t.tid().equals(stoppedThread)) fresh.add(row(t));
                reindex(fresh);
                rows.setAll(fresh);
            } else if (e instanceof DebugEvent.ThreadCreated c && c.stopId() >= stopId && !index.containsKey(c.tid())) {
                rows.add(new ThreadRow(c.tid(), "", false, "", "", "", 0, "running"));
                index.put(c.tid(), rows.size() - 1);
            } else if (e instanceof DebugEvent.ThreadExited x && x.stopId() >= stopId && index.containsKey(x.tid())) {
                rows.remove((int) index.get(x.tid()));
                reindex(new ArrayList<>(rows));
            } else if (e instanceof DebugEvent.ProcessResumed r && r.stopId() >= stopId) {
                groups.set(List.of());
                List<ThreadRow> running = new ArrayList<>(rows.size());     // one change: each single one costs the list's length
                for (ThreadRow o : rows) running.add(new ThreadRow(o.tid(), o.name(), false, "", "", "", 0, "running", false));
                rows.setAll(running);
            } else if (e instanceof DebugEvent.StackWalked s && s.stopId() >= stopId) {
                Integer i = index.get(s.stack().tid());
                if (i == null) continue;
                ThreadRow old = pending.getOrDefault(i, rows.get(i));
                List<StackFrame> frames = s.stack().frames();
                String loc = frames.isEmpty() ? "" : frames.get(0).location();
                String src = frames.isEmpty() ? "" : frames.get(0).sourceLine().orElse("");
                int physical = (int) frames.stream().filter(f -> !f.inline()).count();
                pending.put(i, new ThreadRow(old.tid(), old.name(), old.crashed(), old.signal(), loc, src, physical, "stopped", old.stopped()));
            } else if (e instanceof DebugEvent.TargetClosed) {
                groups.set(List.of());
                rows.clear();
                index.clear();
            }
        }
        settle();
    }

    /**
     * Applies the stack updates gathered. A few: row by row. Many (thousands of threads unwound): one
     * replacement of the list at most every {@link #COALESCE_MILLIS} ms, since each single change of a
     * sorted, filtered table costs as much as the list is long (a 100,000-thread core: minutes).
     */
    private void settle() {
        if (few() || System.nanoTime() - lastFlush >= COALESCE_MILLIS * 1_000_000L) {
            flush();
        } else if (!flushQueued) {
            flushQueued = true;
            PauseTransition wait = new PauseTransition(Duration.millis(COALESCE_MILLIS));
            wait.setOnFinished(x -> { flushQueued = false; flush(); });
            wait.play();
        }
    }

    /** Whether the updates are cheaper one by one (each costs about the list's length) than as one new list. */
    private boolean few() {
        return pending.size() * (long) rows.size() <= COALESCE;
    }

    private void flush() {
        if (pending.isEmpty()) return;
        if (few()) {
            pending.forEach(rows::set);
        } else {
            List<ThreadRow> all = new ArrayList<>(rows);
            pending.forEach(all::set);
            rows.setAll(all);
        }
        pending.clear();
        lastFlush = System.nanoTime();
    }

    private static ThreadRow marked(ThreadRow r, boolean crashed) {
        return new ThreadRow(r.tid(), r.name(), crashed, r.signal(), r.location(), r.source(), r.frames(), r.state(), true);
    }

    /** Signals that end a process when delivered (SIGSEGV, SIGABRT, …): the thread that took one crashed. */
    private static boolean crashSignal(int signo) {
        return switch (signo) {
            case 4, 5, 6, 7, 8, 11, 31 -> signo != 5;         // SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS (not SIGTRAP)
            default -> false;
        };
    }

    private void reindex(List<ThreadRow> list) {
        index.clear();
        for (int i = 0; i < list.size(); i++) index.put(list.get(i).tid(), i);
    }

    private static ThreadRow row(ThreadInfo t) {
        return new ThreadRow(t.tid(), t.name().orElse(""), t.crashed(), t.signal() == 0 ? "" : Signals.name(t.signal()), "", "", 0,
                "stopped");
    }
}
