package dev.sextant.app.view.table;

import java.util.ArrayList;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.ObservableListBase;

/**
 * The rows a table shows, one list for the table's life: the model's rows themselves, or a
 * filtered and sorted view of them ({@link #show}). Their changes pass through as they are; a
 * switch is one replacement. Listeners on the table's items stay on the list that changes.
 */
final class ShownRows<R> extends ObservableListBase<R> {
    private ObservableList<R> current;
    private final ListChangeListener<R> forward = c -> fireChange(new ForwardedChange<>(this, c));

    ShownRows(ObservableList<R> rows) {
        current = rows;
        rows.addListener(forward);
    }

    /** Shows {@code next} instead: one change, every row replaced. */
    void show(ObservableList<R> next) {
        if (next == current) return;
        current.removeListener(forward);
        ArrayList<R> was = new ArrayList<>(current);
        current = next;
        next.addListener(forward);
        beginChange();
        if (!was.isEmpty()) nextRemove(0, was);
        if (!next.isEmpty()) nextAdd(0, next.size());
        endChange();
    }

    ObservableList<R> current() { return current; }

    @Override public R get(int index) { return current.get(index); }

    @Override public int size() { return current.size(); }
}
