package dev.sextant.app.view.memory;

import dev.sextant.icons.Icon;
import java.util.stream.Collectors;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Hex + ASCII of the target's memory at an address or expression, re-read at every stop: an address
 * box (Ctrl+G, Enter), then rows of 16 bytes. {@code ??} marks bytes that cannot be read; bytes
 * changed since the last stop are marked. Ctrl+C copies the selected rows as {@code xxd} does.
 */
public final class MemoryView {
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    /** A byte column's width, in pixels: two monospace digits at 14 px (17 px) and 5 px of padding each side, and room to spare. */
    static final double BYTE_WIDTH = 30;
    private final MemoryModel model;
    private final TableView<MemoryRow> table = new TableView<>();
    private final TextField address = new TextField();
    private final VBox node;

    public MemoryView(MemoryModel model) {
        this.model = model;
        address.setId("memory-address");
        address.setPromptText("Address or expression: 0x7ffe1000, rsp, a symbol, main+0x10 (Ctrl+G)");
        address.setOnAction(e -> go());
        Button go = new Button("Go", Icon.CONTINUE.graphic());
        go.setOnAction(e -> go());
        Label message = new Label();
        message.setId("memory-message");
        message.textProperty().bind(model.message());
        HBox.setHgrow(address, Priority.ALWAYS);
        HBox bar = new HBox(6, address, go, message);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("table-toolbar");

        table.setId("memory-table");
        table.setItems(model.rows());
        table.setFixedCellSize(24);
        table.getStyleClass().addAll("dense", "memory");
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setSortPolicy(t -> false);
        table.setPlaceholder(new Label("Type an address and press Enter"));
        TableColumn<MemoryRow, String> at = new TableColumn<>("Address");
        at.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyStringWrapper(String.format("%016x", cd.getValue().address().value())));
        at.setPrefWidth(150);
        at.setMinWidth(150);
        table.getColumns().add(at);
        for (int i = 0; i < MemoryRow.WIDTH; i++) table.getColumns().add(byteColumn(i));
        TableColumn<MemoryRow, String> ascii = new TableColumn<>("ASCII");
        ascii.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyStringWrapper(cd.getValue().ascii()));
        ascii.setPrefWidth(150);
        ascii.setMinWidth(150);
        table.getColumns().add(ascii);
        table.getColumns().forEach(c -> c.setSortable(false));
        model.revision().addListener((o, a, b) -> table.refresh());
        model.base().addListener((o, a, b) -> b.ifPresent(addr -> {
            int row = model.rowOf(addr);
            if (row < 0) return;
            table.scrollTo(Math.max(0, row - 2));
            table.getSelectionModel().clearAndSelect(row);
        }));

        table.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN).match(e)) { copy(); e.consume(); }
        });
        MenuItem copy = new MenuItem("Copy selected rows", Icon.COPY.graphic());
        copy.setOnAction(e -> copy());
        table.setContextMenu(new ContextMenu(copy));
        VBox.setVgrow(table, Priority.ALWAYS);
        node = new VBox(4, bar, table);
        node.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.G, KeyCombination.SHORTCUT_DOWN).match(e)) { focusAddress(); e.consume(); }
        });
    }

    private TableColumn<MemoryRow, MemoryRow.Cell> byteColumn(int i) {
        TableColumn<MemoryRow, MemoryRow.Cell> c = new TableColumn<>(String.format("%02x", i));
        c.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyObjectWrapper<>(cd.getValue().cells().get(i)));
        // Wide enough for "ff" and the header "0f" at the table's font with the cell's padding (sextant.css): every
        // column alike, none resizable below that, the gap after the eighth byte drawn by a border.
        c.setPrefWidth(BYTE_WIDTH);
        c.setMinWidth(BYTE_WIDTH);
        c.setResizable(false);
        c.getStyleClass().add(i == 7 ? "byte-column-half" : "byte-column");
        c.setCellFactory(col -> new TableCell<>() {
            @Override protected void updateItem(MemoryRow.Cell cell, boolean empty) {
                super.updateItem(cell, empty);
                setText(empty || cell == null ? null : cell.hex());
                pseudoClassStateChanged(CHANGED, !empty && cell != null && cell.changed());
            }
        });
        return c;
    }

    private void go() {
        if (!address.getText().isBlank()) model.go(address.getText());
    }

    /** Ctrl+G: the address box, its text selected. */
    public void focusAddress() {
        address.requestFocus();
        address.selectAll();
    }

    /** The selected rows as text, one {@code xxd}-style line each; also put on the clipboard. */
    public String copy() {
        String text = table.getSelectionModel().getSelectedItems().stream().map(MemoryRow::text)
                .collect(Collectors.joining("\n", "", "\n"));
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        Clipboard.getSystemClipboard().setContent(c);
        return text;
    }

    public TableView<MemoryRow> table() { return table; }

    public Node node() { return node; }
}
