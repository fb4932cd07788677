package dev.sextant.app.view.variables;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Variable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ObservableList;
import javafx.scene.control.TreeItem;

/**
 * The current frame's arguments and locals as a tree, read at every stop and scope change. A
 * struct's or array's children become tree items when first expanded. Values that differ from the
 * previous stop (by path: {@code s.corners.[1].y}) are marked. FX thread.
 */
public final class VariablesModel {
    private final StateSource source;
    private final TreeItem<VariableRow> root = new TreeItem<>();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("No target.");
    private Map<String, String> previous = new HashMap<>();
    private Map<String, String> current = new HashMap<>();
    private long generation;
    private boolean active;
    private boolean stale;

    public VariablesModel(StateSource source) { this.source = source; }

    public TreeItem<VariableRow> root() { return root; }

    /** One line on what is shown or why nothing is. */
    public ReadOnlyStringProperty message() { return message.getReadOnlyProperty(); }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        switch (RefreshTrigger.of(batch)) {
            case REFRESH -> {
                // read only while the tab is shown: a core's open would otherwise queue a second unwind
                // behind the symbol loads the user is watching
                if (active) refresh(); else stale = true;
            }
            case RUNNING -> message.set("Running: variables are read at the next stop.");
            case CLOSED -> {
                generation++;
                stale = false;
                root.getChildren().clear();
                previous = new HashMap<>();
                current = new HashMap<>();
                message.set("No target.");
            }
            default -> { }
        }
    }

    /** The view is shown ({@code true}) or hidden: a hidden tree is read when it is shown again. */
    public void setActive(boolean shown) {
        FxThread.check();
        active = shown;
        if (shown && stale) refresh();
    }

    /** Reads the current scope's variables again. */
    public void refresh() {
        stale = false;
        long asked = ++generation;
        FxThread.whenDone(source.variables(), vars -> {
            if (asked != generation) return;                  // a newer stop or scope asked again
            previous = current.isEmpty() ? previous : current;
            current = new HashMap<>();
            for (Variable v : vars) remember(v, v.name());
            root.getChildren().setAll(vars.stream().map(v -> item(v, v.name())).toList());
            message.set(vars.isEmpty() ? "No arguments or locals in this frame (no debug information for it?)." : vars.size() + " variables");
        }, e -> {
            if (asked != generation) return;
            root.getChildren().clear();
            message.set(e.getMessage());
        });
    }

    private void remember(Variable v, String path) {
        current.put(path, v.value());
        for (Variable c : v.children()) remember(c, path + "." + c.name());
    }

    private TreeItem<VariableRow> item(Variable v, String path) {
        String before = previous.get(path);
        return new LazyItem(new VariableRow(path, v, before != null && !before.equals(v.value())));
    }

    /** Children are made the first time the tree asks for them (an expanded struct, a scrolled array). */
    private final class LazyItem extends TreeItem<VariableRow> {
        private boolean built;

        LazyItem(VariableRow row) { super(row); }

        @Override public boolean isLeaf() { return getValue().variable().children().isEmpty(); }

        @Override public ObservableList<TreeItem<VariableRow>> getChildren() {
            if (!built) {
                built = true;
                VariableRow row = getValue();
                super.getChildren().setAll(row.variable().children().stream().map(c -> item(c, row.path() + "." + c.name())).toList());
            }
            return super.getChildren();
        }
    }
}
