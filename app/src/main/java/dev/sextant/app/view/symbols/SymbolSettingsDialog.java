package dev.sextant.app.view.symbols;

import dev.sextant.engine.api.SymbolOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.cell.TextFieldListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Symbol settings: the symbol path as an ordered list (add, remove, move up/down, edit in place)
 * and the options as checkboxes. The result goes to the engine (which raises {@code PATHS} and
 * {@code SYMBOL_OPTIONS}); the dialog itself changes nothing.
 */
public final class SymbolSettingsDialog {
    /** What the user chose: the path in its text form and the options. */
    public record Settings(String path, Set<SymbolOption> options) {}

    private static final Map<SymbolOption, String> LABELS = new EnumMap<>(Map.of(
            SymbolOption.DEFERRED_LOADS, "Deferred loads: load a module's symbols when first needed",
            SymbolOption.LOAD_LINES, "Load line info (DWARF), not only the symbol table",
            SymbolOption.PREFER_LOCAL, "Search local places before debuginfod servers",
            SymbolOption.DEBUGINFOD, "Ask debuginfod servers",
            SymbolOption.LOAD_ANYTHING, "Accept a debuglink file whose CRC does not match (partial)",
            SymbolOption.DEBUG, "Log every search step (the Symbol load log, as !sym noisy)"));

    private final Dialog<ButtonType> dialog = new Dialog<>();
    private final ObservableList<String> entries = FXCollections.observableArrayList();
    private final ListView<String> list = new ListView<>(entries);
    private final Map<SymbolOption, CheckBox> boxes = new EnumMap<>(SymbolOption.class);

    public SymbolSettingsDialog(Window owner, String path, Set<SymbolOption> options) {
        dialog.initOwner(owner);
        dialog.setTitle("Symbol settings");
        dialog.setHeaderText("Where symbols are looked for, in order, and how they load");
        for (String e : path.split(";")) if (!e.isBlank()) entries.add(e.strip());
        list.setId("symbol-path-list");
        list.setEditable(true);
        list.setCellFactory(TextFieldListCell.forListView());
        list.setPrefHeight(180);
        TextField add = new TextField();
        add.setId("symbol-path-new");
        add.setPromptText("own · debuglink · build-id[=ROOT] · DIR · debuginfod*CACHE*URL — Enter adds");
        HBox.setHgrow(add, Priority.ALWAYS);
        Button addB = button("Add", "symbol-path-add", () -> {
            String t = add.getText().strip();
            if (t.isEmpty()) return;
            int at = list.getSelectionModel().getSelectedIndex();
            entries.add(at < 0 ? entries.size() : at + 1, t);
            add.clear();
        });
        add.setOnAction(e -> addB.fire());
        Button remove = button("Remove", "symbol-path-remove", () -> {
            int i = list.getSelectionModel().getSelectedIndex();
            if (i >= 0) entries.remove(i);
        });
        Button up = button("Up", "symbol-path-up", () -> move(-1));
        Button down = button("Down", "symbol-path-down", () -> move(1));
        VBox opts = new VBox(4);
        for (SymbolOption o : SymbolOption.values()) {
            CheckBox b = new CheckBox(LABELS.getOrDefault(o, o.name()));
            b.setId("symbol-option-" + o.name());
            b.setSelected(options.contains(o));
            boxes.put(o, b);
            opts.getChildren().add(b);
        }
        VBox content = new VBox(8, new Label("Symbol path (first place first):"), list, new HBox(6, add, addB),
                new HBox(6, remove, up, down), new Label("Options:"), opts);
        content.setPrefWidth(620);
        dialog.getDialogPane().setContent(content);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
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

    /** The settings as the form shows them now. */
    public Settings current() {
        EnumSet<SymbolOption> on = EnumSet.noneOf(SymbolOption.class);
        boxes.forEach((o, b) -> { if (b.isSelected()) on.add(o); });
        return new Settings(String.join(";", new ArrayList<>(entries)), Set.copyOf(on));
    }

    public Dialog<ButtonType> dialog() { return dialog; }

    /** Shows the dialog and waits (FX thread); empty when cancelled. */
    public Optional<Settings> showAndWait() {
        return dialog.showAndWait().filter(b -> b == ButtonType.OK).map(b -> current());
    }

    /** The path entries, for tests. */
    public List<String> entries() { return List.copyOf(entries); }
}
