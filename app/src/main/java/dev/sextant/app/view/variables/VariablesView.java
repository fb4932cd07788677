package dev.sextant.app.view.variables;

import javafx.beans.property.SimpleStringProperty;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.cell.TextFieldTreeTableCell;
import javafx.util.converter.DefaultStringConverter;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import java.util.function.Function;

/**
 * The Variables tree: name, value (marked when changed since the last stop), type; Ctrl+C copies
 * "name = value"; F2 or a double click on a scalar's value edits it (Enter writes it to the target,
 * Escape cancels); a pointer expands to what it points to.
 */
public final class VariablesView {
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    private final TreeTableView<VariableRow> tree;
    private final BorderPane pane;

    public VariablesView(VariablesModel model) {
        tree = new TreeTableView<>(model.root());
        tree.setId("variables");
        tree.setShowRoot(false);
        tree.getColumns().add(column("Name", VariableRow::name, 180));
        TreeTableColumn<VariableRow, String> value = column("Value", VariableRow::value, 360);
        value.setCellFactory(c -> new ValueCell());
        value.setOnEditCommit(e -> {
            var item = e.getRowValue();
            if (item != null && item.getValue() != null && e.getNewValue() != null) model.set(item.getValue(), e.getNewValue());
        });
        tree.getColumns().add(value);
        tree.setEditable(true);
        tree.getColumns().add(column("Type", VariableRow::type, 180));
        tree.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY);
        tree.setRowFactory(t -> new TreeTableRow<>() {
            @Override protected void updateItem(VariableRow row, boolean empty) {
                super.updateItem(row, empty);
                pseudoClassStateChanged(CHANGED, !empty && row != null && row.changed());
            }
        });
        tree.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() && e.getCode() == KeyCode.C) {
                copySelection();
                e.consume();
            } else if (e.getCode() == KeyCode.F2 && tree.getEditingCell() == null) {
                int row = tree.getSelectionModel().getSelectedIndex();
                if (row >= 0) tree.edit(row, value);
                e.consume();
            }
        });
        Label status = new Label();
        status.setId("variables-status");
        status.textProperty().bind(model.message());
        pane = new BorderPane(tree);
        pane.setBottom(status);
    }

    /** A value cell that edits scalars only: a struct's or array's text is a summary, not a value. */
    private static final class ValueCell extends TextFieldTreeTableCell<VariableRow, String> {
        ValueCell() { super(new DefaultStringConverter()); }

        @Override public void startEdit() {
            VariableRow row = getTableRow() == null ? null : getTableRow().getItem();
            if (row == null || !row.editable()) return;
            super.startEdit();
        }
    }

    private static TreeTableColumn<VariableRow, String> column(String title, Function<VariableRow, String> value, double width) {
        TreeTableColumn<VariableRow, String> c = new TreeTableColumn<>(title);
        c.setCellValueFactory(f -> new SimpleStringProperty(f.getValue().getValue() == null ? "" : value.apply(f.getValue().getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private void copySelection() {
        var item = tree.getSelectionModel().getSelectedItem();
        if (item == null || item.getValue() == null) return;
        ClipboardContent c = new ClipboardContent();
        c.putString(item.getValue().name() + " = " + item.getValue().value());
        Clipboard.getSystemClipboard().setContent(c);
    }

    public TreeTableView<VariableRow> tree() { return tree; }

    public Node node() { return pane; }
}
