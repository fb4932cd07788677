package dev.sextant.app.view.watches;

import javafx.beans.property.SimpleStringProperty;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.cell.TextFieldTableCell;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The Watches list: type an expression and press Enter (or Add); double-click an expression to edit
 * it (empty removes it); Delete removes the selected watch. Values changed since the last stop are marked.
 */
public final class WatchesView {
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    private final TableView<WatchRow> table;
    private final TextField input = new TextField();
    private final BorderPane pane;

    public WatchesView(WatchesModel model) {
        table = new TableView<>(model.rows());
        table.setId("watches");
        table.setEditable(true);
        TableColumn<WatchRow, String> expression = new TableColumn<>("Expression");
        expression.setCellValueFactory(f -> new SimpleStringProperty(f.getValue().expression()));
        expression.setCellFactory(TextFieldTableCell.forTableColumn());
        expression.setOnEditCommit(e -> model.edit(e.getTablePosition().getRow(), e.getNewValue()));
        expression.setPrefWidth(220);
        TableColumn<WatchRow, String> value = new TableColumn<>("Value");
        value.setCellValueFactory(f -> new SimpleStringProperty(f.getValue().shown()));
        value.setPrefWidth(360);
        value.setEditable(false);
        TableColumn<WatchRow, String> type = new TableColumn<>("Type");
        type.setCellValueFactory(f -> new SimpleStringProperty(f.getValue().type()));
        type.setPrefWidth(160);
        type.setEditable(false);
        table.getColumns().add(expression);
        table.getColumns().add(value);
        table.getColumns().add(type);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setPlaceholder(new javafx.scene.control.Label("No watches: type an expression below and press Enter."));
        table.setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(WatchRow row, boolean empty) {
                super.updateItem(row, empty);
                pseudoClassStateChanged(CHANGED, !empty && row != null && row.changed());
            }
        });
        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DELETE && table.getEditingCell() == null) model.remove(table.getSelectionModel().getSelectedIndex());
        });
        input.setId("watch-input");
        input.setPromptText("Add a watch: p->next->name, a[i] + 1, (long) ptr");
        Button add = new Button("Add");
        Runnable addIt = () -> {
            model.add(input.getText());
            input.clear();
        };
        input.setOnAction(e -> addIt.run());
        add.setOnAction(e -> addIt.run());
        HBox bar = new HBox(4, input, add);
        HBox.setHgrow(input, Priority.ALWAYS);
        pane = new BorderPane(table);
        pane.setBottom(bar);
    }

    public TableView<WatchRow> table() { return table; }

    public TextField input() { return input; }

    public Node node() { return pane; }
}
