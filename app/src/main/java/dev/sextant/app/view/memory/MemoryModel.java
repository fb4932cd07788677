package dev.sextant.app.view.memory;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.StopReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ObservableListBase;

/**
 * The Memory view's rows over a 1 MiB window of the address space around the address the user
 * asked for. Rows are made on demand from pages of 4 KiB, each read through the engine the first
 * time a visible row needs it; at every stop the pages are read anew (the expression too, so that
 * {@code rsp} follows the stop) and bytes that differ from the previous stop are marked. FX thread.
 */
public final class MemoryModel {
    static final int PAGE = 4096;
    static final int WINDOW = 1 << 20;
    private static final int ROWS = WINDOW / MemoryRow.WIDTH;

    private final MemorySource source;
    private final Rows rows = new Rows();
    private final Map<Long, MemoryBlock> pages = new HashMap<>();
    private final Map<Long, MemoryBlock> previous = new HashMap<>();
    private final Set<Long> requested = new HashSet<>();
    private final ReadOnlyObjectWrapper<Optional<Address>> base = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper();
    private String expression = "";
    private long windowStart;
    private long stopId = -1;
    private boolean readable;
    private boolean running;

    public MemoryModel(MemorySource source) { this.source = source; }

    /** The rows of the window; a row's bytes are blank until its page has been read. */
    public javafx.collections.ObservableList<MemoryRow> rows() { return rows; }

    /** Where the expression pointed at the last stop. */
    public ReadOnlyObjectProperty<Optional<Address>> base() { return base.getReadOnlyProperty(); }

    /** One line on what is shown, or why nothing is. */
    public ReadOnlyStringProperty message() { return message.getReadOnlyProperty(); }

    /** Bumps whenever rows' contents changed (pages arrived, a new stop): views redraw. */
    public ReadOnlyLongProperty revision() { return revision.getReadOnlyProperty(); }

    /** The row that holds {@code address}, or -1 when it lies outside the window. */
    public int rowOf(Address address) {
        long off = address.value() - windowStart;
        return Long.compareUnsigned(off, WINDOW) < 0 ? (int) (off / MemoryRow.WIDTH) : -1;
    }

    public String expression() { return expression; }

    /** Shows memory at {@code expression} (an address, register, symbol, {@code sym+0x10}), now and at every stop. */
    public void go(String expression) {
        FxThread.check();
        this.expression = expression.strip();
        evaluate();
    }

    private void evaluate() {
        if (expression.isEmpty() || !readable || running) return;
        String asked = expression;
        long askedAt = stopId;
        source.evaluate(asked).whenComplete((a, e) -> {
            if (!asked.equals(expression) || askedAt != stopId) return;     // superseded
            if (e != null) {
                Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                message.set(c.getMessage());
                return;
            }
            message.set(asked + " = " + a);
            boolean first = base.get().isEmpty();
            if (rowOf(a) < 0 || base.get().map(b -> !b.equals(a)).orElse(true)) moveWindow(a);
            if (first) rows.appear();
            base.set(Optional.of(a));
        });
    }

    private void moveWindow(Address a) {
        long aligned = a.value() & -MemoryRow.WIDTH;
        long start = Long.compareUnsigned(aligned, WINDOW / 2) >= 0 ? aligned - WINDOW / 2 : 0;
        if (Long.compareUnsigned(start, -WINDOW) > 0) start = -WINDOW;
        if (start != windowStart) {
            windowStart = start;
            changed();
        }
    }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        boolean newStop = false, gotBytes = false;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                pages.clear();
                previous.clear();
                requested.clear();
                stopId = o.stopId();
                readable = true;
                running = false;
                newStop = true;
            } else if (e instanceof DebugEvent.ProcessStopped s && !(s.reason() instanceof StopReason.ProcessExit)) {
                if (s.stopId() != stopId || !pages.isEmpty()) {
                    previous.putAll(pages);
                    pages.clear();
                    requested.clear();
                }
                stopId = s.stopId();
                running = false;
                newStop = true;
            } else if (e instanceof DebugEvent.ProcessResumed) {
                running = true;         // the bytes shown stay those of the last stop until the next one
            } else if (e instanceof DebugEvent.ProcessExited || e instanceof DebugEvent.TargetClosed) {
                readable = false;
                requested.clear();
                message.set("No target: the bytes shown are the last ones read");
            } else if (e instanceof DebugEvent.MemoryRead m && m.stopId() == stopId && readable) {
                long page = m.block().start().value();
                if (requested.remove(page)) {
                    pages.put(page, m.block());
                    gotBytes = true;
                }
            }
        }
        if (newStop) {
            evaluate();
            changed();
        } else if (gotBytes) {
            changed();
        }
    }

    private void changed() {
        revision.set(revision.get() + 1);
    }

    private MemoryRow row(int index) {
        long address = windowStart + (long) index * MemoryRow.WIDTH;
        long page = address & -PAGE;
        MemoryBlock now = pages.get(page);
        if (now == null && readable && !running && requested.add(page)) source.read(Address.of(page), PAGE);
        MemoryBlock before = previous.get(page);
        List<MemoryRow.Cell> cells = new ArrayList<>(MemoryRow.WIDTH);
        int off = (int) (address - page);
        for (int i = 0; i < MemoryRow.WIDTH; i++) {
            OptionalInt was = before == null ? OptionalInt.empty() : before.byteAt(off + i);
            if (now == null) {              // until this stop's bytes arrive, the last stop's stay shown (no flicker)
                cells.add(new MemoryRow.Cell(was, before != null, false));
                continue;
            }
            OptionalInt v = now.byteAt(off + i);
            boolean changed = v.isPresent() && was.isPresent() && v.getAsInt() != was.getAsInt();
            cells.add(new MemoryRow.Cell(v, true, changed));
        }
        return new MemoryRow(Address.of(address), cells);
    }

    /** The window's rows, made when asked for: the table is virtualised, so only visible rows are. */
    private final class Rows extends ObservableListBase<MemoryRow> {
        @Override public MemoryRow get(int index) {
            if (index < 0 || index >= ROWS) throw new IndexOutOfBoundsException(index);
            return row(index);
        }

        /** No rows until an address was asked for (the table shows its placeholder), then the whole window. */
        @Override public int size() { return shown ? ROWS : 0; }

        private boolean shown;

        void appear() {
            beginChange();
            shown = true;
            nextAdd(0, ROWS);
            endChange();
        }
    }
}
