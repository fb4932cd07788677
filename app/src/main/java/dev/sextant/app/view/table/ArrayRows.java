package dev.sextant.app.view.table;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javafx.collections.ObservableListBase;

/**
 * A table's rows in an array, changed only by its model (its {@code List} mutators throw): a new
 * list of rows is one change that costs no more than the array's copy, however many rows (an
 * {@code ObservableArrayList}'s {@code setAll} adds its rows one by one, and records each, which
 * for a 100,000-thread core was tens of ms on the FX thread).
 */
public final class ArrayRows<R> extends ObservableListBase<R> {
    private Object[] rows = new Object[0];
    private int size;
    private long version;

    @SuppressWarnings("unchecked")
    @Override public R get(int i) {
        Objects.checkIndex(i, size);
        return (R) rows[i];
    }

    @Override public int size() { return size; }

    /** Counts the changes: equal versions, the same rows. */
    public long version() { return version; }

    /** Replaces every row by {@code fresh} (taken, not copied: the caller gives it up): one change. */
    public void replaceAll(Object[] fresh) {
        Object[] old = rows;
        int oldSize = size;
        rows = fresh;
        size = fresh.length;
        if (oldSize == 0 && size == 0) return;
        version++;
        beginChange();
        if (oldSize > 0) nextRemove(0, removed(old, oldSize));
        if (size > 0) nextAdd(0, size);
        endChange();
    }

    /**
     * Replaces the rows by {@code fresh}, as long, each row the same thing (the same thread) with
     * new values: one update change (a table repaints its cells; its selection, focus and scroll
     * stay, and it does not go through the rows as it does for a replacement: 100,000 rows, 20-40 ms).
     */
    public void refreshAll(Object[] fresh) {
        if (fresh.length != size) throw new IllegalArgumentException(fresh.length + " rows for " + size);
        rows = fresh;
        if (size == 0) return;
        version++;
        int n = size;
        fireChange(new javafx.collections.ListChangeListener.Change<R>(this) {
            private boolean at;

            @Override public boolean next() { return !at && (at = true); }
            @Override public void reset() { at = false; }
            @Override public int getFrom() { return 0; }
            @Override public int getTo() { return n; }
            @Override public List<R> getRemoved() { return List.of(); }
            @Override protected int[] getPermutation() { return new int[0]; }
            @Override public boolean wasUpdated() { return true; }
        });
    }

    /** Replaces every row by {@code fresh}: one change. */
    public void replaceAll(List<? extends R> fresh) { replaceAll(fresh.toArray()); }

    /** Replaces row {@code i}. */
    public void put(int i, R row) {
        Objects.checkIndex(i, size);
        @SuppressWarnings("unchecked") R old = (R) rows[i];
        rows[i] = row;
        version++;
        beginChange();
        nextSet(i, old);
        endChange();
    }

    /** Adds a row at the end. */
    public void append(R row) {
        if (size == rows.length) rows = Arrays.copyOf(rows, Math.max(8, size * 2));
        rows[size++] = row;
        version++;
        beginChange();
        nextAdd(size - 1, size);
        endChange();
    }

    /** Removes row {@code i}. */
    public void delete(int i) {
        Objects.checkIndex(i, size);
        @SuppressWarnings("unchecked") R old = (R) rows[i];
        System.arraycopy(rows, i + 1, rows, i, size - i - 1);
        rows[--size] = null;
        version++;
        beginChange();
        nextRemove(i, old);
        endChange();
    }

    /** A copy of the rows, to change and give back through {@link #replaceAll(Object[])}. */
    public Object[] copy() { return Arrays.copyOf(rows, size); }

    @SuppressWarnings("unchecked")
    private List<R> removed(Object[] old, int n) {
        return (List<R>) Arrays.asList(old).subList(0, n);
    }
}
