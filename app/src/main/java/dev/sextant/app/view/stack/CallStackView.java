package dev.sextant.app.view.stack;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.icons.Icon;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.layout.VBox;

/** The Call stack of the selected thread, innermost first; inlined calls are rows of their own. */
public final class CallStackView {
    private final TableKit<FrameRow> kit;
    private final VBox node;

    public CallStackView(StackModel model) {
        kit = new TableKit<>("stack", model.rows(), FrameRow::searchText);
        TableColumn<FrameRow, Boolean> kind = kit.column("", FrameRow::inline, 28);
        kind.setSortable(false);
        kind.setMinWidth(30);
        kind.setGraphic(Icon.STACK_FRAME.graphic());     // the header of the frame-kind column (physical or inlined)
        kind.setCellFactory(c -> new TableCell<>() {
            private Icon shown;      // a step redraws every row: the same icon keeps its node (no new node, no CSS pass)

            @Override protected void updateItem(Boolean inline, boolean empty) {
                super.updateItem(inline, empty);
                setText(null);
                shown = IconCells.show(this, shown, empty || inline == null ? null : inline ? Icon.INLINE_FRAME : Icon.STACK_FRAME);
            }
        });
        kit.column("#", FrameRow::index, 40);
        kit.column("PC", FrameRow::pc, 140);
        kit.column("Function", FrameRow::function, 240);
        kit.column("Module", FrameRow::module, 140);
        kit.column("Source", FrameRow::source, 260);
        TableColumn<FrameRow, String> how = kit.column("Found by", FrameRow::how, 120);
        how.setCellFactory(c -> new TableCell<>() {
            private Icon shown;

            @Override protected void updateItem(String h, boolean empty) {
                super.updateItem(h, empty);
                setText(empty ? null : h);
                shown = IconCells.show(this, shown, empty || h == null ? null : provenanceIcon(h));
            }
        });
        Label note = new Label();
        note.setId("stack-note");
        note.textProperty().bind(model.note());
        note.managedProperty().bind(note.textProperty().isNotEmpty());
        note.visibleProperty().bind(note.managedProperty());
        note.getStyleClass().add("text-muted");
        node = new VBox(4, kit.node(), note);
        VBox.setVgrow(kit.node(), javafx.scene.layout.Priority.ALWAYS);
    }

    /** The icon of a "Found by" text (see {@link StackModel}): how far the frame can be trusted at a glance. */
    static Icon provenanceIcon(String how) {
        return switch (how) {
            case "registers" -> Icon.FRAME_FROM_REGISTERS;
            case "CFI" -> Icon.FRAME_FROM_CFI;
            case "inlined" -> Icon.INLINE_FRAME;
            case "dynamic table" -> Icon.FRAME_FROM_DYNAMIC_TABLE;
            case "frame pointer" -> Icon.FRAME_FROM_FRAME_POINTER;
            default -> Icon.FRAME_FROM_STACK_SCAN;
        };
    }

    public Node node() { return node; }

    public TableKit<FrameRow> kit() { return kit; }
}
