package dev.sextant.app.view.table;

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
        if (attached) fireChange(new ForwardedChange<>(this, c));
    }

    @Override public int getSourceIndex(int index) { return index; }

    @Override public int getViewIndex(int index) { return index; }

    @Override public R get(int index) { return getSource().get(index); }

    @Override public int size() { return getSource().size(); }
}
