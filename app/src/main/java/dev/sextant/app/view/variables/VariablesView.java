package dev.sextant.app.view.variables;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.table.TextWidths;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
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
    /** A cell's padding with room for the disclosure arrow, and each nesting level's indent, in px. */
    private static final double CELL_PAD = 44, INDENT = 18;
    /** The widest the Name and Type columns grow to fit their texts; Value keeps at least its own minimum. */
    private static final double NAME_MAX = 260, TYPE_MAX = 240, VALUE_MIN = 140, VALUE_MAX = 480, SCROLL_BAR = 16;
    private final TreeTableView<VariableRow> tree;
    private final BorderPane pane;
    private final TreeTableColumn<VariableRow, String> name, value, type;
    private final TextWidths widths = new TextWidths();
    private boolean fitQueued;
    private double valueWanted;

    public VariablesView(VariablesModel model) {
        tree = new TreeTableView<>(model.root());
        tree.setId("variables");
        tree.setShowRoot(false);
        name = column("Name", VariableRow::name, 100);      // grown to fit below
        tree.getColumns().add(name);
        value = column("Value", VariableRow::value, 360);
        value.setCellFactory(c -> new ValueCell());
        value.setOnEditCommit(e -> {
            var item = e.getRowValue();
            if (item != null && item.getValue() != null && e.getNewValue() != null) model.set(item.getValue(), e.getNewValue());
        });
        tree.getColumns().add(value);
        tree.setEditable(true);
        type = column("Type", VariableRow::type, 100);
        tree.getColumns().add(type);
        // Name and Type grow to their widest shown text (up to a bound; never shrink, so a width the user
        // chose stays); Value is as wide as its widest text (up to a bound) or what is left of the pane;
        // past the pane the tree scrolls sideways, Type last. (The constrained policy shared the narrow
        // default pane by preferred widths and elided names and types: "futex_w…", "unsigned in…".)
        tree.setColumnResizePolicy(TreeTableView.UNCONSTRAINED_RESIZE_POLICY);
        value.setMinWidth(VALUE_MIN);
        tree.widthProperty().addListener((o, a, w) -> fillValue());
        tree.expandedItemCountProperty().addListener((o, a, n) -> queueFit());
        tree.getRoot().getChildren().addListener((ListChangeListener<TreeItem<VariableRow>>) c -> queueFit());
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
        // The empty table says what the status says ("Reading the variables…", "No target."), not
        // JavaFX's "No content in table" beside it.
        Label empty = new Label();
        empty.setId("variables-empty");
        empty.textProperty().bind(model.message());
        tree.setPlaceholder(empty);
        pane = new BorderPane(tree);
        pane.setBottom(status);
    }

    private void queueFit() {
        if (fitQueued) return;
        fitQueued = true;
        FxThread.later(this::fit);
    }

    /** Name's and Type's widths from the first rows shown (texts measured once, see {@link TextWidths}). */
    private void fit() {
        fitQueued = false;
        double names = 0, values = 0, types = 0;
        int n = Math.min(400, tree.getExpandedItemCount());
        for (int i = 0; i < n; i++) {
            TreeItem<VariableRow> item = tree.getTreeItem(i);
            if (item == null || item.getValue() == null) continue;
            int depth = Math.max(0, tree.getTreeItemLevel(item) - 1);       // the root is not shown
            names = Math.max(names, widths.cell(item.getValue().name()) + depth * INDENT);
            values = Math.max(values, widths.cell(item.getValue().value()));
            types = Math.max(types, widths.cell(item.getValue().type()));
        }
        grow(name, Math.min(NAME_MAX, Math.ceil(Math.max(names, widths.heading(name.getText())) + CELL_PAD)));
        grow(type, Math.min(TYPE_MAX, Math.ceil(Math.max(types, widths.heading(type.getText())) + CELL_PAD)));
        valueWanted = Math.min(VALUE_MAX, Math.ceil(values + CELL_PAD));
        fillValue();
    }

    private static void grow(TreeTableColumn<VariableRow, String> c, double width) {
        if (width > c.getPrefWidth()) c.setPrefWidth(width);
    }

    /** Value: as wide as its widest shown text (up to a bound), and the pane's width left by the others. */
    private void fillValue() {
        double rest = tree.getWidth() - name.getPrefWidth() - type.getPrefWidth() - SCROLL_BAR;
        value.setPrefWidth(Math.max(Math.max(VALUE_MIN, valueWanted), rest));
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
