package dev.sextant.app.view.modules;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.SymbolLoadStatus;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.icons.Icon;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Modules table: path, base, size, build-id, whether the module's file was found, and its
 * symbol state (deferred, loading n%, loaded from X, partial/failed: why, cancelled), with Load /
 * Cancel / Retry per row (context menu, buttons, Ctrl+L / Ctrl+K / Ctrl+R) and a details pane
 * listing every place the search looked.
 */
public final class ModulesView {

    /** What the symbol buttons do; {@code Optional.empty()} means every module. */
    public interface SymbolIntents {
        void load(Optional<Address> module);
        void cancel(Optional<Address> module);
        void retry(Address module);
    }

    private final TableKit<ModuleRow> kit;
    private final SplitPane node;
    private final Label detailTitle = new Label("Select a module to see where its symbols were looked for");
    private final ObservableList<String> places = FXCollections.observableArrayList();
    private boolean rowsChanging;
    private List<String> selectedBases = List.of();

    public ModulesView(ModulesModel model, Consumer<String> bindModule) {
        this(model, bindModule, null);
    }

    public ModulesView(ModulesModel model, Consumer<String> bindModule, SymbolIntents symbols) {
        // A symbol-state update replaces its row, and TableView drops the selection of a replaced row:
        // remember the selected modules by base around each change (this listener runs before the
        // table's, the one after TableKit's runs after it) and select them again.
        model.rows().addListener((javafx.collections.ListChangeListener<ModuleRow>) c -> rowsChanging = true);
        kit = new TableKit<>("modules", model.rows(), ModuleRow::searchText);
        model.rows().addListener((javafx.collections.ListChangeListener<ModuleRow>) c -> {
            rowsChanging = false;
            reselect();
        });
        kit.table().getSelectionModel().getSelectedItems().addListener((javafx.collections.ListChangeListener<ModuleRow>) c -> {
            if (!rowsChanging) selectedBases = kit.table().getSelectionModel().getSelectedItems().stream().map(ModuleRow::base).toList();
        });
        kit.column("Name", ModuleRow::name, 160);
        kit.column("Base", ModuleRow::base, 140);
        kit.column("Size", ModuleRow::size, 90);
        TableColumn<ModuleRow, String> found = kit.column("File", ModuleRow::symbols, 80);
        found.setCellFactory(c -> new TableCell<>() {
            // One icon of each kind per cell, made once: a new icon node per update costs its CSS pass.
            private Node foundIcon, missingIcon;

            @Override protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                if (empty || s == null) {
                    setGraphic(null);
                } else if ("found".equals(s)) {
                    setGraphic(foundIcon == null ? foundIcon = Icon.MODULE.graphic() : foundIcon);
                } else {
                    setGraphic(missingIcon == null ? missingIcon = Icon.MODULE_MISSING.graphic() : missingIcon);
                }
            }
        });
        TableColumn<ModuleRow, String> state = kit.observableColumn("Symbols", ModuleRow::symbolStatusProperty, 260);
        state.setId("modules-symbol-status");
        kit.column("Build-id", ModuleRow::buildId, 300);
        kit.column("Path", ModuleRow::path, 280);
        kit.column("File found", ModuleRow::file, 280);
        kit.addRowAction("Bind this module…", Icon.MODULE.graphic(), r -> {
            String file = r.file().startsWith("/") ? r.file() : r.path();
            if (file.startsWith("/")) bindModule.accept(file);
        });

        ListView<String> list = new ListView<>(places);
        list.setId("modules-symbol-places");
        list.setPlaceholder(new Label("Nothing searched yet"));
        list.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.MULTIPLE);
        list.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN).match(e)) {
                var c = new javafx.scene.input.ClipboardContent();
                c.putString(String.join("\n", list.getSelectionModel().getSelectedItems().isEmpty() ? places : list.getSelectionModel().getSelectedItems()));
                javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
            }
        });
        detailTitle.setId("modules-symbol-detail");
        detailTitle.setWrapText(true);
        detailTitle.setMinHeight(Region.USE_PREF_SIZE);      // wrapped in full, not cut to one elided line
        VBox details = new VBox(6, detailTitle, list);
        VBox.setVgrow(list, Priority.ALWAYS);
        if (symbols != null) details.getChildren().add(0, buttons(symbols));
        details.setStyle("-fx-padding: 4;");
        kit.table().getSelectionModel().selectedItemProperty().addListener((o, a, r) -> showDetails(r));
        model.rows().addListener((javafx.collections.ListChangeListener<ModuleRow>) c -> showDetails(kit.table().getSelectionModel().getSelectedItem()));
        node = new SplitPane(kit.node(), details);
        node.setOrientation(Orientation.HORIZONTAL);
        node.setDividerPositions(0.7);
    }

    private FlowPane buttons(SymbolIntents symbols) {
        Button load = button("Load", Icon.MODULE.graphic(), "modules-load", "Load the selected modules' symbols (Ctrl+L)");
        Button loadAll = button("Load all", null, "modules-load-all",
                "Load every deferred module's symbols (Ctrl+Shift+L is the theme: use this button)");
        Button cancel = button("Cancel", Icon.CANCEL.graphic(), "modules-cancel", "Cancel the selected modules' symbol loads (Ctrl+K)");
        Button retry = button("Retry", null, "modules-retry", "Forget what was found and search again (Ctrl+R)");
        Runnable doLoad = () -> selected().forEach(a -> symbols.load(Optional.of(a)));
        Runnable doCancel = () -> selected().forEach(a -> symbols.cancel(Optional.of(a)));
        Runnable doRetry = () -> selected().forEach(symbols::retry);
        load.setOnAction(e -> doLoad.run());
        loadAll.setOnAction(e -> symbols.load(Optional.empty()));
        cancel.setOnAction(e -> doCancel.run());
        retry.setOnAction(e -> doRetry.run());
        var none = kit.table().getSelectionModel().selectedItemProperty().isNull();
        for (Button b : List.of(load, cancel, retry)) b.disableProperty().bind(none);
        kit.addRowAction("Retry symbol load", null, r -> doRetry.run());
        kit.addRowAction("Cancel symbol load", Icon.CANCEL.graphic(), r -> doCancel.run());
        kit.addRowAction("Load symbols", Icon.MODULE.graphic(), r -> doLoad.run());
        kit.table().addEventHandler(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN).match(e)) { doLoad.run(); e.consume(); }
            else if (new KeyCodeCombination(KeyCode.K, KeyCombination.SHORTCUT_DOWN).match(e)) { doCancel.run(); e.consume(); }
            else if (new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN).match(e)) { doRetry.run(); e.consume(); }
        });
        // Wrapped, never elided: the details pane is narrow in the default layout ("Lo…" before).
        FlowPane box = new FlowPane(6, 6, load, cancel, retry, loadAll);
        box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return box;
    }

    /** A button of the symbol bar: its text, icon (or none), id (tests and shortcuts find it by id) and tooltip. */
    private static Button button(String text, Node graphic, String id, String tooltip) {
        Button b = new Button(text, graphic);
        b.setMinWidth(Region.USE_PREF_SIZE);
        b.setId(id);
        b.setTooltip(new Tooltip(tooltip));
        return b;
    }

    private void reselect() {
        var sel = kit.table().getSelectionModel();
        List<String> now = sel.getSelectedItems().stream().map(ModuleRow::base).toList();
        if (now.equals(selectedBases) || selectedBases.isEmpty()) return;
        List<String> want = selectedBases;
        rowsChanging = true;
        sel.clearSelection();
        var items = kit.table().getItems();
        for (int i = 0; i < items.size(); i++) if (want.contains(items.get(i).base())) sel.select(i);
        rowsChanging = false;
        selectedBases = want;
    }

    private List<Address> selected() {
        return kit.table().getSelectionModel().getSelectedItems().stream()
                .map(r -> Address.parse(r.base())).toList();
    }

    private void showDetails(ModuleRow r) {
        if (r == null) {
            detailTitle.setText("Select a module to see where its symbols were looked for");
            places.clear();
            return;
        }
        Optional<SymbolLoadStatus> s = r.symbolState();
        String head = r.name() + ": " + (s.isEmpty() ? "no symbol state yet" : s.get().describe());
        if (s.isPresent() && s.get().status() != SymbolStatus.DEFERRED && s.get().status() != SymbolStatus.LOADING) {
            head += s.get().symbolFile().map(f -> "\nfile: " + f).orElse("") + "\n" + s.get().symbolCount() + " symbols, "
                    + (s.get().lineInfo() ? "with" : "no") + " line info";
        }
        detailTitle.setText(head);
        List<String> now = s.map(SymbolLoadStatus::placesSearched).orElse(List.of());
        if (!now.equals(places)) places.setAll(now);
    }

    public Node node() { return node; }

    public TableKit<ModuleRow> kit() { return kit; }
}
