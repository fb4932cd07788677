package dev.sextant.app.view.table;

import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/** A change of one list, seen as the same change of another that shows the same rows (see {@link Relay}, {@link ShownRows}). */
final class ForwardedChange<R> extends ListChangeListener.Change<R> {
    private final ListChangeListener.Change<? extends R> c;

    ForwardedChange(ObservableList<R> list, ListChangeListener.Change<? extends R> c) {
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
