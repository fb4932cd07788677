package dev.sextant.app.view.modules;

import java.util.ArrayList;
import java.util.List;
import javafx.collections.ModifiableObservableListBase;

/**
 * The Modules table's rows: an observable list that can also report "these rows changed in place"
 * as one list change ({@link #updated}). An extractor list reports each row's change on its own,
 * and a table sorted by a column re-sorts every row on each: 200 symbol states in one batch cost
 * 70–140 ms of FX thread (bench/fx-pulse.sh with the Symbols column sorted); as one change, one sort.
 */
final class ModuleRows extends ModifiableObservableListBase<ModuleRow> {
    private final List<ModuleRow> rows = new ArrayList<>();

    @Override public ModuleRow get(int index) { return rows.get(index); }

    @Override public int size() { return rows.size(); }

    @Override protected void doAdd(int index, ModuleRow element) { rows.add(index, element); }

    @Override protected ModuleRow doSet(int index, ModuleRow element) { return rows.set(index, element); }

    @Override protected ModuleRow doRemove(int index) { return rows.remove(index); }

    /** One "updated" change for the rows at these indices (whose observable state changed in place). */
    void updated(int[] indices) {
        if (indices.length == 0) return;
        beginChange();
        for (int i : indices) nextUpdate(i);
        endChange();
    }
}
