package dev.sextant.app.view.sourcepaths;

import dev.sextant.app.view.source.SourceModel;
import dev.sextant.engine.api.SourceSubstitution;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Source paths…: the source path substitutions (gdb's {@code set substitute-path FROM TO}) as an
 * ordered list, the first matching one applies. Add, replace the selected one (edit), remove,
 * move up/down; the result goes to the engine, which keeps it for the next runs. The dialog itself
 * changes nothing.
 */
public final class SourcePathsDialog {
    private final Dialog<ButtonType> dialog = new Dialog<>();
    private final ObservableList<SourceSubstitution> entries = FXCollections.observableArrayList();
    private final ListView<SourceSubstitution> list = new ListView<>(entries);
    private final TextField from = new TextField();
    private final TextField to = new TextField();
    private final Label problem = new Label();

    public SourcePathsDialog(Window owner, List<SourceSubstitution> now) {
        dialog.initOwner(owner);
        dialog.setTitle("Source paths");
        dialog.setHeaderText("Source path substitutions, first match first (gdb's set substitute-path FROM TO)");
        entries.setAll(now);
        list.setId("source-paths-list");
        list.setPrefHeight(200);
        list.setPlaceholder(new Label("No substitutions: sources are looked for where the debug info says"));
        list.getSelectionModel().selectedItemProperty().addListener((o, was, s) -> {
            if (s != null) { from.setText(s.from()); to.setText(s.to()); }
        });
        from.setId("source-paths-from");
        from.setPromptText("FROM: the directory the debug info names, e.g. /build/proj");
        to.setId("source-paths-to");
        to.setPromptText("TO: where it is now, e.g. /home/me/proj — Enter adds");
        HBox.setHgrow(from, Priority.ALWAYS);
        HBox.setHgrow(to, Priority.ALWAYS);
        Button add = button("Add", "source-paths-add", this::add);
        to.setOnAction(e -> add.fire());
        Button replace = button("Replace selected", "source-paths-replace", this::replace);
        Button remove = button("Remove", "source-paths-remove", () -> {
            int i = list.getSelectionModel().getSelectedIndex();
            if (i >= 0) entries.remove(i);
        });
        Button up = button("Up", "source-paths-up", () -> move(-1));
        Button down = button("Down", "source-paths-down", () -> move(1));
        problem.setId("source-paths-problem");
        problem.setWrapText(true);
        VBox content = new VBox(8, list, new HBox(6, label("From"), from), new HBox(6, label("To"), to),
                new HBox(6, add, replace, remove, up, down), problem);
        content.setPrefWidth(680);
        dialog.getDialogPane().setContent(content);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
    }

    /**
     * Symbols → Source paths…: reads the engine's substitutions, shows the dialog and, on OK, sets
     * the edited list and looks for the current source file again (FX thread; waits in the dialog only).
     */
    public static void edit(Window owner, SourceModel model, Consumer<String> error, Consumer<String> status) {
        model.actions().substitutions(now -> new SourcePathsDialog(owner, now).showAndWait().ifPresent(next -> {
            if (next.equals(now)) return;
            model.actions().setSubstitutions(next, done -> {
                status.accept(done.isEmpty() ? "No source path substitutions" : "Source path substitutions: " + done.size() + " (kept for the next runs)");
                model.relocate();
            }, e -> error.accept("The substitutions could not be set: " + e.getMessage()));
        }), e -> error.accept("The substitutions could not be read: " + e.getMessage()));
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.setMinWidth(40);
        return l;
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    /** The fields as a substitution, or empty with the reason shown. */
    private Optional<SourceSubstitution> typed() {
        try {
            SourceSubstitution s = new SourceSubstitution(from.getText(), to.getText());
            problem.setText("");
            return Optional.of(s);
        } catch (IllegalArgumentException e) {
            problem.setText("Type both directories: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void add() {
        typed().ifPresent(s -> {
            entries.removeIf(x -> x.from().equals(s.from()));
            int at = list.getSelectionModel().getSelectedIndex();
            entries.add(at < 0 || at >= entries.size() ? entries.size() : at + 1, s);
            list.getSelectionModel().clearAndSelect(entries.indexOf(s));
        });
    }

    private void replace() {
        int i = list.getSelectionModel().getSelectedIndex();
        if (i < 0) { problem.setText("Select the substitution to replace"); return; }
        typed().ifPresent(s -> {
            entries.set(i, s);
            list.getSelectionModel().clearAndSelect(i);
        });
    }

    private void move(int by) {
        int i = list.getSelectionModel().getSelectedIndex();
        int j = i + by;
        if (i < 0 || j < 0 || j >= entries.size()) return;
        SourceSubstitution e = entries.remove(i);
        entries.add(j, e);
        list.getSelectionModel().clearAndSelect(j);
    }

    public Dialog<ButtonType> dialog() { return dialog; }

    /** The list as the dialog shows it now. */
    public List<SourceSubstitution> entries() { return List.copyOf(entries); }

    /** Shows the dialog and waits (FX thread); empty when cancelled. */
    public Optional<List<SourceSubstitution>> showAndWait() {
        return dialog.showAndWait().filter(b -> b == ButtonType.OK).map(b -> entries());
    }
}
