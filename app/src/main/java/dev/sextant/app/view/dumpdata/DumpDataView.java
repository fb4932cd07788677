package dev.sextant.app.view.dumpdata;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.DumpData;
import javafx.scene.Node;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;

/**
 * The secondary data browser (the {@code .enumtag} / {@code !bugdump} analogue): every data component
 * added to the dump with its tag, component and size; the selected one decoded beside it.
 */
public final class DumpDataView {
    private final TableKit<DumpData> kit;
    private final TextArea detail = new TextArea();
    private final SplitPane node;

    public DumpDataView(DumpDataModel model) {
        kit = new TableKit<>("dumpdata", model.rows(), d -> d.tag() + " " + d.name() + " " + d.component() + " " + d.decoded());
        kit.column("Name", DumpData::name, 125);
        kit.column("Component", DumpData::component, 105);
        kit.column("Tag", DumpData::tag, 170);
        kit.column("Size", DumpData::size, 80);
        detail.setId("dumpdata-detail");
        detail.setEditable(false);
        detail.setStyle("-fx-font-family: monospace;");
        kit.table().getSelectionModel().selectedItemProperty().addListener((o, a, d) -> detail.setText(d == null ? "" : d.decoded()));
        kit.keepLeadingColumnsInView(4, 720);
        detail.setMinWidth(120);
        node = new SplitPane(kit.node(), detail);
        node.setDividerPositions(0.74);
        SplitPane.setResizableWithParent(detail, false);     // the list takes what the window gains
    }

    public Node node() { return node; }

    public TableKit<DumpData> kit() { return kit; }
}
