package dev.sextant.app.view.symbols;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.cell.TextFieldListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * An ordered list of text entries in a settings dialog: added from a text field (Enter or Add, after
 * the selected entry), edited in place, removed, moved up and down. A validator refuses a bad entry,
 * added or edited, and the list says why under it. Ids: {@code PREFIX-list}, {@code -new},
 * {@code -add}, {@code -remove}, {@code -up}, {@code -down}, {@code -problem}. FX thread.
 */
final class OrderedEntries {
    private final ObservableList<String> entries = FXCollections.observableArrayList();
    private final ListView<String> list = new ListView<>(entries);
    private final Label problem = new Label();
    private final Function<String, Optional<String>> validator;
    private final VBox node;

    /** @param validator why an entry is refused, or empty when it is accepted */
    OrderedEntries(String id, List<String> initial, String prompt, double height, Function<String, Optional<String>> validator) {
        this.validator = validator;
        entries.setAll(initial);
        list.setId(id + "-list");
        list.setEditable(true);
        list.setCellFactory(TextFieldListCell.forListView());
        list.setPrefHeight(height);
        list.setOnEditCommit(e -> {
            String v = e.getNewValue().strip();
            if (accepted(v)) entries.set(e.getIndex(), v);
            else Platform.runLater(list::refresh);     // the cell shows what it was given: show the entry kept
        });
        TextField add = new TextField();
        add.setId(id + "-new");
        add.setPromptText(prompt);
        HBox.setHgrow(add, Priority.ALWAYS);
        Button addB = button("Add", id + "-add", () -> {
            String t = add.getText().strip();
            if (t.isEmpty() || !accepted(t)) return;
            int at = list.getSelectionModel().getSelectedIndex();
            entries.add(at < 0 ? entries.size() : at + 1, t);
            add.clear();
        });
        add.setOnAction(e -> addB.fire());
        Button remove = button("Remove", id + "-remove", () -> {
            int i = list.getSelectionModel().getSelectedIndex();
            if (i >= 0) entries.remove(i);
        });
        problem.setId(id + "-problem");
        problem.setWrapText(true);
        problem.setStyle("-fx-text-fill: #b00020;");
        problem.managedProperty().bind(problem.textProperty().isNotEmpty());
        node = new VBox(6, list, new HBox(6, add, addB), new HBox(6, remove, button("Up", id + "-up", () -> move(-1)),
                button("Down", id + "-down", () -> move(1))), problem);
    }

    private boolean accepted(String entry) {
        Optional<String> why = validator.apply(entry);
        problem.setText(why.orElse(""));
        return why.isEmpty();
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    private void move(int by) {
        int i = list.getSelectionModel().getSelectedIndex();
        int j = i + by;
        if (i < 0 || j < 0 || j >= entries.size()) return;
        String e = entries.remove(i);
        entries.add(j, e);
        list.getSelectionModel().clearAndSelect(j);
    }

    List<String> entries() { return List.copyOf(entries); }

    Node node() { return node; }
}
