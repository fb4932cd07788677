package dev.sextant.app.view.threads;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.table.ArrayRows;
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
import javafx.collections.ObservableList;

/** The threads of the current target, crashing thread first; the top frame fills in as stacks arrive. */
public final class ThreadsModel {
    /** Its List mutators throw: only this model changes it (a new list of rows is one change, of no more than an array's copy). */
    private final ArrayRows<ThreadRow> rows = new ArrayRows<>();
    /** Each thread's row index. Never changed in place while {@link #indexShared} (the preparer reads it). */
    private Map<Tid, Integer> index = new HashMap<>();
    private boolean indexShared;
    /** What {@link #prepare} made for an event, until the FX thread applies it. */
    private final Map<DebugEvent, Object> prepared = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private Opened base;                  // the preparer's (engine thread): the last dump opened, while its rows stand
    private Object[] openedRows;          // FX thread: the prepared rows shown, and the rows' version then
    private long openedVersion = -1;
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

    public ObservableList<ThreadRow> rows() { return rows; }

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

    /** A dump's rows and their index, made off the FX thread. */
    private record Opened(long stopId, Object[] rows, Map<Tid, Integer> index) {}

    /** The rows a dump's stack groups fill in ({@link #fill}), made off the FX thread from {@code base}'s. */
    private record Filled(Object[] base, Object[] rows) {}

    /**
     * Does the work of a large event off the FX thread (the bridge calls it on the engine's thread,
     * in the events' order, before the event is queued): a dump's rows and index, and the rows its
     * stack groups fill in. 100,000 threads: ~70 ms that the FX thread no longer spends in one go;
     * {@link #apply} uses what was made when the rows are still those it was made from.
     */
    public synchronized void prepare(DebugEvent e) {
        if (e instanceof DebugEvent.TargetOpened o) {
            Object[] fresh = new Object[o.threads().size()];
            int n = 0;
            for (ThreadInfo t : o.threads()) if (t.crashed()) fresh[n++] = row(t);
            for (ThreadInfo t : o.threads()) if (!t.crashed()) fresh[n++] = row(t);
            base = new Opened(o.stopId(), fresh, indexOf(fresh));
            prepared.put(o, base);
        } else if (e instanceof DebugEvent.StacksGrouped g && base != null && g.stopId() >= base.stopId()) {
            Object[] all = base.rows().clone();
            fillInto(all, base.index(), g.byPc());
            prepared.put(g, new Filled(base.rows(), all));
        } else if (e instanceof DebugEvent.ThreadsRefreshed || e instanceof DebugEvent.TargetClosed || e instanceof DebugEvent.ThreadCreated
                || e instanceof DebugEvent.ThreadExited || e instanceof DebugEvent.ProcessResumed) {
            base = null;
        }
    }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened || e instanceof DebugEvent.TargetClosed || e instanceof DebugEvent.ThreadsRefreshed) {
                pending.clear();  // the rows are replaced
            } else if (e instanceof DebugEvent.ThreadCreated || e instanceof DebugEvent.ThreadExited || e instanceof DebugEvent.ProcessResumed) {
                flush();          // row indices stay those of the rows as they are
            }
            Object made = prepared.remove(e);
            if (e instanceof DebugEvent.StacksGrouped g && g.stopId() >= stopId) {
                groups.set(g.byPc());
                if (made instanceof Filled f && f.base() == openedRows && rows.version() == openedVersion && pending.isEmpty()) {
                    rows.refreshAll(f.rows());             // the rows as fill would make them, made off the FX thread
                    lastFlush = System.nanoTime();
                } else {
                    fill(g.byPc());
                }
            } else if (e instanceof DebugEvent.TargetOpened o) {
                generation++;
                stopId = o.stopId();
                groups.set(List.of());
                if (made instanceof Opened p) {
                    index = p.index();
                    indexShared = true;
                    rows.replaceAll(p.rows());
                    openedRows = p.rows();
                    openedVersion = rows.version();
                } else {
                    List<ThreadRow> fresh = new ArrayList<>();
                    for (ThreadInfo t : o.threads()) if (t.crashed()) fresh.add(row(t));
                    for (ThreadInfo t : o.threads()) if (!t.crashed()) fresh.add(row(t));
                    reindex(fresh);
                    rows.replaceAll(fresh);
                }
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
                rows.replaceAll(fresh);
            } else if (e instanceof DebugEvent.ThreadCreated c && c.stopId() >= stopId && !index.containsKey(c.tid())) {
                rows.append(new ThreadRow(c.tid(), "", false, "", "", "", 0, "running"));
                ownIndex().put(c.tid(), rows.size() - 1);
            } else if (e instanceof DebugEvent.ThreadExited x && x.stopId() >= stopId && index.containsKey(x.tid())) {
                rows.delete(index.get(x.tid()));
                reindex(new ArrayList<>(rows));
            } else if (e instanceof DebugEvent.ProcessResumed r && r.stopId() >= stopId) {
                groups.set(List.of());
                List<ThreadRow> running = new ArrayList<>(rows.size());     // one change: each single one costs the list's length
                for (ThreadRow o : rows) running.add(new ThreadRow(o.tid(), o.name(), false, "", "", "", 0, "running", false));
                rows.replaceAll(running);
            } else if (e instanceof DebugEvent.StackWalked s && s.stopId() >= stopId) {
                Integer i = index.get(s.stack().tid());
                if (i == null) continue;
                ThreadRow old = pending.getOrDefault(i, rows.get(i));
                ThreadRow now = walked(old, s.stack().frames());
                // The row its group filled in (see fill): no change, so no replacement of 100,000 rows for nothing.
                if (!sameStack(now, old)) pending.put(i, now);
            } else if (e instanceof DebugEvent.TargetClosed) {
                groups.set(List.of());
                rows.replaceAll(new Object[0]);
                index = new HashMap<>();
                indexShared = false;
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
            pending.forEach(rows::put);
        } else {
            Object[] all = rows.copy();
            pending.forEach((i, r) -> all[i] = r);
            rows.refreshAll(all);                  // the same threads, with their stacks
        }
        pending.clear();
        lastFlush = System.nanoTime();
    }

    /**
     * Fills each grouped thread's row (its top frame, its frame count) from its group's stack: the
     * engine sends an ELF core's groups before each thread's stack, so the Threads table shows every
     * thread's location with the groups, in one replacement of the rows. The stacks that follow
     * change nothing then.
     */
    private void fill(List<StackGroup> byPc) {
        flush();          // what is pending is in the rows: the filled list starts from them
        Object[] all = rows.copy();
        int changed = fillInto(all, index, byPc);
        if (changed == 0) return;                   // a live stop's stacks came first
        // One replacement of the rows (a 100,000-thread core's rows through a map of pending updates: 100s of ms)
        if (changed * (long) rows.size() <= COALESCE) {
            for (int i = 0; i < all.length; i++) if (all[i] != rows.get(i)) rows.put(i, (ThreadRow) all[i]);
        } else {
            rows.refreshAll(all);
        }
        lastFlush = System.nanoTime();
    }

    /**
     * Puts in {@code all} (rows, by {@code index}) each grouped thread's row filled from its group's
     * stack, where that changes it; on the FX thread ({@link #fill}) or the engine's ({@link #prepare}).
     * Returns how many rows changed.
     */
    private static int fillInto(Object[] all, Map<Tid, Integer> index, List<StackGroup> byPc) {
        int changed = 0;
        for (StackGroup g : byPc) {
            ThreadRow shape = null;
            for (Tid tid : g.tids()) {
                Integer i = index.get(tid);
                if (i == null) continue;
                ThreadRow old = (ThreadRow) all[i];
                if (shape == null) shape = walked(old, g.frames());
                ThreadRow now = new ThreadRow(old.tid(), old.name(), old.crashed(), old.signal(), shape.location(), shape.source(),
                        shape.frames(), shape.state(), old.stopped());
                if (sameStack(now, old)) continue;
                all[i] = now;
                changed++;
            }
        }
        return changed;
    }

    /** Whether {@code now}, made from {@code old} by {@link #walked}, shows the same (fields compared here: a record's equals is several times slower). */
    private static boolean sameStack(ThreadRow now, ThreadRow old) {
        return now.frames() == old.frames() && now.location().equals(old.location()) && now.source().equals(old.source())
                && now.state().equals(old.state());
    }

    /** {@code old} with the top frame and count of physical frames of {@code frames}. */
    private static ThreadRow walked(ThreadRow old, List<StackFrame> frames) {
        String loc = frames.isEmpty() ? "" : frames.get(0).location();
        String src = frames.isEmpty() ? "" : frames.get(0).sourceLine().orElse("");
        int physical = 0;
        for (StackFrame f : frames) if (!f.inline()) physical++;
        return new ThreadRow(old.tid(), old.name(), old.crashed(), old.signal(), loc, src, physical, "stopped", old.stopped());
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
        index = indexOf(list.toArray());
        indexShared = false;
    }

    private static Map<Tid, Integer> indexOf(Object[] list) {
        Map<Tid, Integer> m = new HashMap<>(Math.max(16, list.length * 4 / 3 + 1));
        for (int i = 0; i < list.length; i++) m.put(((ThreadRow) list[i]).tid(), i);
        return m;
    }

    /** The index, to change: a copy first while the preparer may read it. */
    private Map<Tid, Integer> ownIndex() {
        if (indexShared) {
            index = new HashMap<>(index);
            indexShared = false;
        }
        return index;
    }

    private static ThreadRow row(ThreadInfo t) {
        return new ThreadRow(t.tid(), t.name().orElse(""), t.crashed(), t.signal() == 0 ? "" : Signals.name(t.signal()), "", "", 0,
                "stopped");
    }
}
