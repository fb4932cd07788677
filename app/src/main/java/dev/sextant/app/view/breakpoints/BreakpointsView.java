package dev.sextant.app.view.breakpoints;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.icons.Icon;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Breakpoints tab: location as given, resolved address, source line, enabled, hits. A box adds
 * one (function, file:line or 0xADDRESS, Enter); Space enables/disables the selected ones, Delete
 * removes them; filter and copy as in every table.
 */
public final class BreakpointsView {
    private static final PseudoClass DISABLED = PseudoClass.getPseudoClass("disabled-breakpoint");
    private final TableKit<Breakpoint> kit;
    private final TextField add = new TextField();
    private final VBox node;

    public BreakpointsView(BreakpointsModel model, Consumer<String> set, BiConsumer<Integer, Boolean> enable, IntConsumer remove) {
        kit = new TableKit<>("breakpoints", model.rows(), BreakpointsView::searchText);
        kit.column("#", Breakpoint::id, 40);
        var on = kit.column("Enabled", b -> b.enabled() ? "yes" : "no", 70);
        on.setCellFactory(c -> new TableCell<>() {
            @Override protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                setGraphic(empty || s == null ? null : Icon.BREAKPOINT.graphic());
                if (getGraphic() != null) getGraphic().setOpacity("yes".equals(s) ? 1 : 0.35);
            }
        });
        kit.column("Location", Breakpoint::location, 200);
        kit.column("Address", b -> b.address().toString(), 140);
        kit.column("Source", b -> b.sourceLine().orElse(""), 180);
        kit.column("Hits", Breakpoint::hits, 70);
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
        VBox.setVgrow(kit.node(), Priority.ALWAYS);
        node = new VBox(4, bar, kit.node());
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
        return b.id() + " " + b.location() + " " + b.address() + " " + b.sourceLine().orElse("") + (b.enabled() ? " enabled" : " disabled");
    }

    /** Puts the focus in the add box (F9 in this tab). */
    public void focusAdd() { add.requestFocus(); }

    public TableKit<Breakpoint> kit() { return kit; }

    public Node node() { return node; }
}
