package dev.sextant.app.view.breakpoints;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.icons.Icon;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Breakpoints tab: location as given, resolved address, source line, enabled (a check box),
 * hits, condition, stop after N hits, log message, and the last error (a condition that could not be
 * evaluated, an edit refused). A box adds one (function, file:line or 0xADDRESS, Enter); Space
 * enables/disables the selected ones, Delete removes them; the editor below sets the selected one's
 * condition, hit count and log message; filter and copy as in every table.
 */
public final class BreakpointsView {
    private static final PseudoClass DISABLED = PseudoClass.getPseudoClass("disabled-breakpoint");
    private final TableKit<Breakpoint> kit;
    private final TextField add = new TextField();
    private final VBox node;
    private final BreakpointEditor editor;
    private final ListView<String> logView;

    public BreakpointsView(BreakpointsModel model, Consumer<String> set, BiConsumer<Integer, Boolean> enable, IntConsumer remove,
                           BreakpointEditor.Configure configure) {
        kit = new TableKit<>("breakpoints", model.rows(), BreakpointsView::searchText);
        kit.column("#", Breakpoint::id, 36);
        var on = kit.column("Enabled", b -> b.enabled() ? "yes" : "no", 70);
        on.setCellFactory(c -> new TableCell<>() {
            private final CheckBox box = new CheckBox();
            {
                box.setOnAction(e -> {
                    Breakpoint b = getTableRow() == null ? null : getTableRow().getItem();
                    if (b != null) enable.accept(b.id(), box.isSelected());
                });
            }
            @Override protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                box.setSelected("yes".equals(s));
                setGraphic(empty || s == null ? null : box);
            }
        });
        kit.fillToEdge(kit.column("Location", Breakpoint::location, 120));     // and to its text (ColumnFitter)
        kit.column("Address", b -> b.address().toString(), 140);
        kit.column("Source", b -> b.sourceLine().orElse(""), 180);
        kit.column("Hits", Breakpoint::hits, 70);
        kit.column("Condition", b -> b.condition().orElse("—"), 160);
        kit.column("Stop after", b -> b.stopAfterHits().isPresent() ? b.stopAfterHits().getAsLong() + " hits" : "—", 90);
        kit.column("Log message", b -> b.logMessage().orElse("—"), 200);
        kit.column("Error", b -> model.error(b.id()).orElse("—"), 220);
        kit.table().setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(Breakpoint b, boolean empty) {
                super.updateItem(b, empty);
                pseudoClassStateChanged(DISABLED, !empty && b != null && !b.enabled());
            }
        });
        kit.table().addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, k -> {
            List<Breakpoint> selected = List.copyOf(kit.table().getSelectionModel().getSelectedItems());
            if (selected.isEmpty()) return;
            if (k.getCode() == KeyCode.SPACE) {
                selected.forEach(b -> enable.accept(b.id(), !b.enabled()));
                k.consume();
            } else if (k.getCode() == KeyCode.DELETE) {
                selected.forEach(b -> remove.accept(b.id()));
                k.consume();
            }
        });
        keepSelectionAcrossUpdates();
        kit.addRowAction("Remove (Delete)", Icon.CANCEL.graphic(), b -> remove.accept(b.id()));
        kit.addRowAction("Enable / disable (Space)", Icon.BREAKPOINT.graphic(), b -> enable.accept(b.id(), !b.enabled()));

        add.setId("breakpoints-add");
        add.setPromptText("New breakpoint: a function, file.c:42 or 0x401136 — Enter");
        add.setOnAction(e -> {
            String text = add.getText().strip();
            if (text.isEmpty()) return;
            set.accept(text);
            add.clear();
        });
        Button addButton = new Button("Add", Icon.BREAKPOINT.graphic());
        addButton.setOnAction(e -> add.fireEvent(new javafx.event.ActionEvent()));
        HBox.setHgrow(add, Priority.ALWAYS);
        HBox bar = new HBox(6, add, addButton);
        bar.setAlignment(Pos.CENTER_LEFT);
        editor = new BreakpointEditor(model, configure);
        kit.table().getSelectionModel().selectedItemProperty().addListener((o, a, b) -> editor.show(Optional.ofNullable(b)));
        logView = new ListView<>(model.log());
        logView.setId("breakpoints-log");
        logView.setPrefHeight(90);
        Label noLog = new Label("Logpoints' messages show here (a log message makes a breakpoint print and run on)");
        noLog.setWrapText(true);
        logView.setPlaceholder(noLog);
        model.log().addListener((ListChangeListener<String>) c -> logView.scrollTo(model.log().size() - 1));
        Label logTitle = new Label("Logpoint output");
        logTitle.getStyleClass().add("text-bold");
        VBox side = new VBox(4, editor.node(), logTitle, logView);
        VBox.setVgrow(logView, Priority.ALWAYS);
        side.setMinWidth(200);
        SplitPane split = new SplitPane(kit.node(), side);
        split.setDividerPositions(0.66);
        // The editor keeps its width as the window grows or first lays out small: the list takes the rest.
        SplitPane.setResizableWithParent(side, false);
        VBox.setVgrow(split, Priority.ALWAYS);
        node = new VBox(4, bar, split);
    }

    /**
     * A breakpoint's row is replaced when it changes (a hit, Space): the table would drop it from the
     * selection, so that Space twice would not toggle back. Select the same breakpoints again.
     */
    private void keepSelectionAcrossUpdates() {
        java.util.Set<Integer> selectedIds = new java.util.HashSet<>();
        kit.table().getSelectionModel().getSelectedItems().addListener((javafx.collections.ListChangeListener<Breakpoint>) c -> {
            if (!kit.table().getSelectionModel().getSelectedItems().isEmpty()) {
                selectedIds.clear();
                kit.table().getSelectionModel().getSelectedItems().forEach(b -> selectedIds.add(b.id()));
            }
        });
        kit.table().getItems().addListener((javafx.collections.ListChangeListener<Breakpoint>) c -> {
            if (!kit.table().getSelectionModel().getSelectedItems().isEmpty()) return;
            for (int i = 0; i < kit.table().getItems().size(); i++) {
                if (selectedIds.contains(kit.table().getItems().get(i).id())) kit.table().getSelectionModel().select(i);
            }
        });
    }

    private static String searchText(Breakpoint b) {
        return b.id() + " " + b.location() + " " + b.address() + " " + b.sourceLine().orElse("") + (b.enabled() ? " enabled" : " disabled")
                + " " + b.condition().orElse("") + " " + b.logMessage().orElse("");
    }

    /** Puts the focus in the add box (F9 in this tab). */
    public void focusAdd() { add.requestFocus(); }

    public TableKit<Breakpoint> kit() { return kit; }

    /** Applies what the editor's fields say to the selected breakpoint (its Apply button). */
    public void applyEdit() { editor.apply(); }

    public Node node() { return node; }
}
