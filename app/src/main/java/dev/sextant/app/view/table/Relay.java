package dev.sextant.app.view.table;

import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.TransformationList;

/**
 * The same rows as its source, whose changes it passes on until {@link #detach}: a filtered and
 * sorted view built on it stops costing anything once the table no longer shows it (its listener
 * on the source is weak, so without this it would keep re-filtering and re-sorting every change
 * until the next garbage collection).
 */
final class Relay<R> extends TransformationList<R, R> {
    private boolean attached = true;

    Relay(ObservableList<R> source) { super(source); }

    void detach() { attached = false; }

    @Override protected void sourceChanged(ListChangeListener.Change<? extends R> c) {
        if (attached) fireChange(new Forwarded<>(this, c));
    }

    @Override public int getSourceIndex(int index) { return index; }

    @Override public int getViewIndex(int index) { return index; }

    @Override public R get(int index) { return getSource().get(index); }

    @Override public int size() { return getSource().size(); }

    /** The source's change, seen as one of the relay. */
    private static final class Forwarded<R> extends ListChangeListener.Change<R> {
        private final ListChangeListener.Change<? extends R> c;

        Forwarded(ObservableList<R> list, ListChangeListener.Change<? extends R> c) {
            super(list);
            this.c = c;
        }

        @Override public boolean next() { return c.next(); }
        @Override public void reset() { c.reset(); }
        @Override public int getFrom() { return c.getFrom(); }
        @Override public int getTo() { return c.getTo(); }
        @SuppressWarnings("unchecked")
        @Override public List<R> getRemoved() { return (List<R>) c.getRemoved(); }
        @Override public boolean wasPermutated() { return c.wasPermutated(); }
        @Override public boolean wasUpdated() { return c.wasUpdated(); }

        @Override protected int[] getPermutation() {
            if (!c.wasPermutated()) return new int[0];
            int[] p = new int[c.getTo() - c.getFrom()];
            for (int i = c.getFrom(); i < c.getTo(); i++) p[i - c.getFrom()] = c.getPermutation(i);
            return p;
        }
    }
}
