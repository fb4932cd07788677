package dev.sextant.app.view.dumpdata;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpData;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The data components added to the current dump (streams, annotations, notes). */
public final class DumpDataModel {
    private final ObservableList<DumpData> rows = FXCollections.observableArrayList();
    private final ObservableList<DumpData> readOnly = FXCollections.unmodifiableObservableList(rows);
    private long stopId = -1;

    public ObservableList<DumpData> rows() { return readOnly; }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                rows.clear();
            } else if (e instanceof DebugEvent.DumpDataListed d && d.stopId() == stopId) {
                rows.setAll(d.items());
            } else if (e instanceof DebugEvent.TargetClosed) {
                rows.clear();
            }
        }
    }
}
