package dev.sextant.app.view.crashes;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.CrashInbox;
import dev.sextant.engine.api.CrashInbox.Group;
import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The crash inbox as the view shows it: the groups, and the crashes of the group selected. FX thread only. */
public final class CrashesModel {
    private final ObservableList<CrashGroupRow> groups = FXCollections.observableArrayList();
    private final ObservableList<CrashRow> crashes = FXCollections.observableArrayList();
    private Optional<CrashInbox> inbox = Optional.empty();

    public ObservableList<CrashGroupRow> groups() { return FXCollections.unmodifiableObservableList(groups); }

    public ObservableList<CrashRow> crashes() { return FXCollections.unmodifiableObservableList(crashes); }

    public Optional<CrashInbox> inbox() { return inbox; }

    public void show(CrashInbox listed) {
        FxThread.check();
        inbox = Optional.of(listed);
        groups.setAll(listed.groups().stream().map(CrashGroupRow::of).toList());
        crashes.clear();
    }

    /** The crashes of {@code group}, newest first; none when nothing is selected. */
    public void select(Optional<Group> group) {
        FxThread.check();
        crashes.setAll(group.map(g -> g.crashes().stream().map(CrashRow::of).toList()).orElse(java.util.List.of()));
    }
}
