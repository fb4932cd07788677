package dev.sextant.app.view.variables;

import javafx.beans.property.SimpleStringProperty;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import java.util.function.Function;

/** The Variables tree: name, value (marked when changed since the last stop), type; Ctrl+C copies "name = value". */
public final class VariablesView {
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    private final TreeTableView<VariableRow> tree;
    private final BorderPane pane;

    public VariablesView(VariablesModel model) {
        tree = new TreeTableView<>(model.root());
        tree.setId("variables");
        tree.setShowRoot(false);
        tree.getColumns().add(column("Name", VariableRow::name, 180));
        tree.getColumns().add(column("Value", VariableRow::value, 360));
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
            }
        });
        Label status = new Label();
        status.setId("variables-status");
        status.textProperty().bind(model.message());
        pane = new BorderPane(tree);
        pane.setBottom(status);
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
