package dev.sextant.app.view.variables;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.api.VariableKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** What the status line says after the next read instead of the count (the value just written). */
    private Optional<String> note = Optional.empty();

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
        // (until the engine answers: behind a large core's open that can be seconds, and "No target." was shown meanwhile)
        if (root.getChildren().isEmpty()) message.set("Reading the variables…");
        FxThread.whenDone(source.variables(), vars -> {
            if (asked != generation) return;                  // a newer stop or scope asked again
            previous = current.isEmpty() ? previous : current;
            current = new HashMap<>();
            for (Variable v : vars) remember(v, v.name());
            root.getChildren().setAll(vars.stream().map(v -> item(v, v.name(), Optional.of(v.name()))).toList());
            message.set(note.orElse(vars.isEmpty() ? "No arguments or locals in this frame (no debug information for it?)." : vars.size() + " variables"));
            note = Optional.empty();
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

    private TreeItem<VariableRow> item(Variable v, String path, Optional<String> expression) {
        String before = previous.get(path);
        return new LazyItem(new VariableRow(path, v, before != null && !before.equals(v.value()), expression));
    }

    /**
     * Gives {@code row} the value of the C expression {@code value} in the target (gdb's {@code set var});
     * the tree is read again after it, a refusal (a core, a register) is the status line.
     */
    public void set(VariableRow row, String value) {
        FxThread.check();
        if (row.expression().isEmpty() || value.isBlank()) return;
        long asked = generation;
        FxThread.whenDone(source.setVariable(row.expression().get(), value), v -> {
            note = Optional.of(row.expression().get() + " = " + v.value());
            message.set(note.get());
            if (asked == generation) refresh();
        }, e -> message.set(e.getMessage()));
    }

    /**
     * Children are made the first time the tree asks for them (an expanded struct, a scrolled array);
     * a pointer's one child, what it points to, is read from the engine then.
     */
    private final class LazyItem extends TreeItem<VariableRow> {
        private boolean built;

        LazyItem(VariableRow row) { super(row); }

        @Override public boolean isLeaf() { return getValue().variable().children().isEmpty() && !getValue().followable(); }

        @Override public ObservableList<TreeItem<VariableRow>> getChildren() {
            if (!built) {
                built = true;
                VariableRow row = getValue();
                if (row.followable()) follow(row);
                else super.getChildren().setAll(row.variable().children().stream()
                        .map(c -> item(c, row.path() + "." + c.name(), row.childExpression(c))).toList());
            }
            return super.getChildren();
        }

        private void follow(VariableRow row) {
            String deref = "(*" + row.expression().get() + ")";
            Variable reading = new Variable("*" + row.name(), VariableKind.MEMBER, "", "reading…", false, List.of(),
                    Optional.empty(), Optional.empty(), false);
            super.getChildren().setAll(List.of(new TreeItem<>(new VariableRow(row.path() + ".*", reading, false, Optional.empty()))));
            long asked = generation;
            FxThread.whenDone(source.evaluate(deref), v -> {
                if (asked != generation) return;
                Variable named = new Variable("*" + row.name(), v.kind(), v.type(), v.value(), v.optimizedOut(), v.children(),
                        v.error(), v.address(), v.expandable());
                super.getChildren().setAll(List.of(item(named, row.path() + ".*", Optional.of(deref))));
            }, e -> {
                if (asked != generation) return;
                super.getChildren().setAll(List.of(item(Variable.failed("*" + row.name(), VariableKind.MEMBER, "", e.getMessage()),
                        row.path() + ".*", Optional.empty())));
            });
        }
    }
}
