package dev.sextant.app.view.unwind;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.table.TableKit;
import dev.sextant.icons.Icon;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Unwind tables: the tables to pick (modules' static tables, the live target's dynamic tables, which
 * appear and vanish as it registers code), the picked table's entries (virtualised, filterable), an
 * address search (Enter selects the entry covering it) and the decoded rows of the selected entry.
 */
public final class UnwindTablesView {
    private final TableKit<TableSourceRow> sources;
    private final TableKit<UnwindEntryRow> entries;
    private final SplitPane node;

    public UnwindTablesView(UnwindTablesModel model) {
        sources = new TableKit<>("unwind-sources", model.sources(), TableSourceRow::searchText);
        TableColumn<TableSourceRow, String> name = sources.column("Table", TableSourceRow::name, 200);
        name.setCellFactory(c -> new TableCell<>() {
            @Override protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                TableSourceRow r = empty ? null : getTableRow().getItem();
                setGraphic(r == null ? null : (r.dynamic() ? Icon.FRAME_FROM_DYNAMIC_TABLE : Icon.MODULE).graphic());
            }
        });
        sources.column("Kind", TableSourceRow::kind, 150);
        sources.column("Range", TableSourceRow::range, 230);
        sources.table().getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
            if (r == null) return;
            // The picked dynamic table vanished and the selection slid to a neighbour: not a pick.
            if (model.applying()) FxThread.later(() -> sources.table().getSelectionModel().clearSelection());
            else model.pick(r);
        });

        entries = new TableKit<>("unwind-entries", model.entries(), UnwindEntryRow::searchText);
        entries.column("#", UnwindEntryRow::index, 60);
        entries.column("Start", UnwindEntryRow::start, 130);
        entries.column("End", UnwindEntryRow::end, 130);
        entries.column("Symbol", UnwindEntryRow::symbol, 240);
        entries.column("Table", UnwindEntryRow::table, 110);
        entries.column("CIE augmentation / unwind", UnwindEntryRow::unwind, 170);
        entries.table().getSelectionModel().selectedItemProperty().addListener((o, a, r) -> model.select(r));

        TextField address = new TextField();
        address.setId("unwind-address");
        address.setPromptText("Go to address (0x…), Enter");
        Label status = new Label();
        status.setId("unwind-status");
        status.textProperty().bind(model.status());
        status.getStyleClass().add("text-muted");
        Tooltip whole = new Tooltip();               // the whole status where the pane elides it
        whole.textProperty().bind(model.status());
        status.setTooltip(whole);
        address.setOnAction(e -> {
            String t = address.getText().strip();
            try {
                long a = Long.parseUnsignedLong(t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t, 16);
                var hit = model.find(a);
                if (hit.isEmpty()) { address.setStyle("-fx-text-fill: -color-danger-fg;"); return; }
                address.setStyle("");
                entries.filterField().clear();
                entries.table().getSelectionModel().clearSelection();
                entries.table().getSelectionModel().select(hit.get());
                entries.table().scrollTo(hit.get());
            } catch (NumberFormatException ex) {
                address.setStyle("-fx-text-fill: -color-danger-fg;");
            }
        });
        ProgressIndicator progress = new ProgressIndicator();
        progress.setPrefSize(16, 16);
        progress.visibleProperty().bind(model.loading());
        progress.managedProperty().bind(model.loading());
        Button cancel = new Button("Cancel", Icon.CANCEL.graphic());
        cancel.setId("unwind-cancel");
        cancel.visibleProperty().bind(model.loading());
        cancel.managedProperty().bind(model.loading());
        cancel.setOnAction(e -> model.cancel());
        HBox bar = new HBox(6, Icon.UNWIND_TABLE.graphic(), address, progress, cancel, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        address.setPrefWidth(220);
        address.setMinWidth(Region.USE_PREF_SIZE);       // a long status elides, the box keeps its width
        status.setMinWidth(0);
        HBox.setHgrow(status, Priority.ALWAYS);
        VBox middle = new VBox(4, bar, entries.node());
        VBox.setVgrow(entries.node(), Priority.ALWAYS);
        middle.setOnKeyPressed(e -> { if (e.getCode() == KeyCode.ESCAPE && model.loading().get()) { model.cancel(); e.consume(); } });

        TextArea detail = new TextArea();
        detail.setId("unwind-detail");
        detail.setEditable(false);
        detail.setStyle("-fx-font-family: monospace;");
        detail.textProperty().bind(model.detail());

        node = new SplitPane(sources.node(), middle, detail);
        node.setOrientation(Orientation.HORIZONTAL);
        node.setDividerPositions(0.24, 0.7);
    }

    public Node node() { return node; }

    public TableKit<UnwindEntryRow> entries() { return entries; }

    public TableKit<TableSourceRow> sources() { return sources; }
}
