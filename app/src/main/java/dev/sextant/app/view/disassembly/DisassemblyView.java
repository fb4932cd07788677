package dev.sextant.app.view.disassembly;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import dev.sextant.app.view.FxThread;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Polygon;

/**
 * The Disassembly tab: the current frame's code with source-line headers, a gutter (breakpoint
 * dots, click to set or clear; an arrow at each frame's pc of the thread, filled for the current
 * frame) and the current pc's row highlighted. Keys with the list focused: F9 breakpoint, F11
 * step one instruction, F10 one instruction over calls, Ctrl+F10 run to the selected row,
 * Ctrl+Shift+F10 set it as the next statement, Ctrl+C copy, Ctrl+G the go-to box; scrolling past
 * either end reads more code.
 */
public final class DisassemblyView {
    /** What the view asks for; each runs an engine command through the window's actions. */
    public interface Intents {
        void setBreakpoint(String location);
        void removeBreakpoint(int id);
        void stepInstruction();
        void stepOverInstruction();
        void runTo(String location);
        void setNextStatement(String location);
    }

    private static final PseudoClass CURRENT = PseudoClass.getPseudoClass("current-pc");
    private static final PseudoClass HEADER = PseudoClass.getPseudoClass("source-header");
    private static final PseudoClass SYMBOL = PseudoClass.getPseudoClass("symbol-header");
    private final DisassemblyModel model;
    private final Intents intents;
    private final ListView<CodeLine> list;
    private final TextField goTo = new TextField();
    private final CheckBox bytes = new CheckBox("Bytes");
    private final Label message = new Label();
    private final BorderPane node;
    private long kept;              // the selected instruction's address, kept across new rows
    private long shownFirst;        // the first instruction listed, to stay in place when code is read above

    public DisassemblyView(DisassemblyModel model, Intents intents, Consumer<String> error) {
        this.model = model;
        this.intents = intents;
        list = new ListView<>(model.rows());
        list.setId("disasm-list");
        list.getStyleClass().add("disasm-list");
        list.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        list.setCellFactory(l -> new Row());
        list.setFixedCellSize(20);
        list.addEventFilter(KeyEvent.KEY_PRESSED, this::key);
        list.skinProperty().addListener((o, a, b) -> watchScrolling());
        MenuItem copy = new MenuItem("Copy selected lines (Ctrl+C)");
        copy.setOnAction(e -> copySelected());
        MenuItem bp = new MenuItem("Breakpoint here (F9)");
        bp.setOnAction(e -> selectedAddress().ifPresent(this::toggle));
        MenuItem runTo = new MenuItem("Run to here (Ctrl+F10)");
        runTo.setOnAction(e -> cursorLocation().ifPresent(intents::runTo));
        MenuItem next = new MenuItem("Set next statement here (Ctrl+Shift+F10)");
        next.setOnAction(e -> cursorLocation().ifPresent(intents::setNextStatement));
        list.setContextMenu(new ContextMenu(copy, bp, runTo, next));
        goTo.setId("disasm-goto");
        goTo.setPromptText("Go to: 0x401136, main, main+0x10, rip — Enter");
        goTo.setOnAction(e -> {
            String t = goTo.getText().strip();
            if (!t.isEmpty()) model.goTo(t, err -> error.accept("Go to " + t + ": " + FxThread.cause(err).getMessage()));
        });
        bytes.setId("disasm-bytes");
        bytes.selectedProperty().addListener((o, a, b) -> list.refresh());
        message.setId("disasm-message");
        message.getStyleClass().add("text-muted");
        message.setWrapText(true);
        HBox.setHgrow(goTo, Priority.ALWAYS);
        HBox bar = new HBox(6, goTo, bytes);
        bar.setAlignment(Pos.CENTER_LEFT);
        node = new BorderPane(list);
        node.setTop(new VBox(2, bar, message));
        node.getStylesheets().add(DisassemblyView.class.getResource("disassembly.css").toExternalForm());
        node.addEventFilter(KeyEvent.KEY_PRESSED, k -> {
            if (new KeyCodeCombination(KeyCode.G, KeyCombination.SHORTCUT_DOWN).match(k)) { goTo.requestFocus(); goTo.selectAll(); k.consume(); }
        });
        message.textProperty().bind(model.message());
        model.version().addListener((o, a, b) -> list.refresh());
        // The highlight is drawn from the current pc: a cell drawn before it changed must be drawn again.
        model.current().addListener((o, a, b) -> list.refresh());
        // The list drops its selection when the rows are replaced (more code read above or below): keep it, and the place.
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> { if (b instanceof CodeLine.Code c) kept = c.address(); });
        model.rows().addListener((ListChangeListener<CodeLine>) c -> {
            long firstBefore = shownFirst;
            shownFirst = model.rows().stream().filter(l -> l instanceof CodeLine.Code).map(l -> ((CodeLine.Code) l).address()).findFirst().orElse(0L);
            FxThread.later(() -> {
                if (list.getSelectionModel().isEmpty() && kept != 0) model.rowOf(kept).ifPresent(r -> list.getSelectionModel().select(r));
                if (firstBefore != 0 && Long.compareUnsigned(shownFirst, firstBefore) < 0) model.rowOf(firstBefore).ifPresent(list::scrollTo);
            });
        });
        model.reveal().addListener((o, a, at) -> at.ifPresent(x -> reveal(x.value())));
    }

    private void reveal(long address) {
        OptionalInt row = model.rowOf(address);
        if (row.isEmpty()) return;
        list.getSelectionModel().clearAndSelect(row.getAsInt());
        list.getFocusModel().focus(row.getAsInt());
        list.scrollTo(Math.max(0, row.getAsInt() - 8));
    }

    private void key(KeyEvent k) {
        boolean ctrl = k.isShortcutDown();
        if (k.getCode() == KeyCode.F9 && !ctrl) selectedAddress().ifPresent(this::toggle);
        else if (k.getCode() == KeyCode.F11 && !ctrl && !k.isShiftDown()) intents.stepInstruction();
        else if (k.getCode() == KeyCode.F10 && !ctrl) intents.stepOverInstruction();
        else if (k.getCode() == KeyCode.F10 && k.isShiftDown()) cursorLocation().ifPresent(intents::setNextStatement);
        else if (k.getCode() == KeyCode.F10) cursorLocation().ifPresent(intents::runTo);
        else if (k.getCode() == KeyCode.C && ctrl) copySelected();
        else if (k.getCode() == KeyCode.UP && atRow(0)) { model.loadEarlier(); return; }
        else if (k.getCode() == KeyCode.DOWN && atRow(list.getItems().size() - 1)) { model.loadLater(); return; }
        else return;
        k.consume();
    }

    private boolean atRow(int row) { return list.getFocusModel().getFocusedIndex() == row; }

    /** Scrolled to the top or the bottom: more code is read there. */
    private void watchScrolling() {
        for (Node n : list.lookupAll(".scroll-bar")) {
            if (n instanceof ScrollBar bar && bar.getOrientation() == Orientation.VERTICAL) {
                bar.valueProperty().addListener((o, a, v) -> {
                    if (list.getItems().isEmpty()) return;
                    if (v.doubleValue() <= bar.getMin() && a.doubleValue() > v.doubleValue()) model.loadEarlier();
                    else if (v.doubleValue() >= bar.getMax() && a.doubleValue() < v.doubleValue()) model.loadLater();
                });
            }
        }
    }

    private void toggle(long address) {
        Optional<dev.sextant.engine.api.Breakpoint> b = model.breakpointAt(address);
        if (b.isPresent()) intents.removeBreakpoint(b.get().id());
        else intents.setBreakpoint("0x" + Long.toHexString(address));
    }

    /** The selected instruction's address (a header: the instruction after it). */
    public Optional<Long> selectedAddress() {
        int i = list.getSelectionModel().getSelectedIndex();
        List<CodeLine> rows = list.getItems();
        for (int k = Math.max(i, 0); i >= 0 && k < rows.size(); k++) {
            if (rows.get(k) instanceof CodeLine.Code c) return Optional.of(c.address());
        }
        return Optional.empty();
    }

    /** Where run-to-cursor and set-next-statement go: the selected instruction. */
    public Optional<String> cursorLocation() { return selectedAddress().map(a -> "0x" + Long.toHexString(a)); }

    /** Clicks the gutter of row {@code row} (as a mouse would). */
    public void clickGutter(int row) {
        if (model.rows().get(row) instanceof CodeLine.Code c) toggle(c.address());
    }

    public void copySelected() {
        String text = list.getSelectionModel().getSelectedItems().stream().map(this::text).collect(Collectors.joining("\n"));
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        Clipboard.getSystemClipboard().setContent(c);
    }

    private String text(CodeLine l) {
        if (l instanceof CodeLine.Code c && bytes.isSelected()) {
            var i = c.instruction();
            return String.format("%-14s %-7s %-24s %-6s %s", i.address(), CodeLine.offset(i), i.bytes(), i.mnemonic(), CodeLine.operands(i));
        }
        return l.text();
    }

    public ListView<CodeLine> list() { return list; }

    /** Whether no code is being read to grow the listing (scrolling to either end reads more, and moves the rows). */
    public boolean settled() { return !model.growing(); }

    /** The address whose row is highlighted as the current pc (the current frame's). */
    public Optional<Long> highlightedAddress() { return model.current().get().map(a -> a.value()); }

    public TextField goToBox() { return goTo; }

    public Node node() { return node; }

    /** One row: breakpoint dot, frame arrow, then the instruction or the source line's header. */
    private final class Row extends ListCell<CodeLine> {
        private final Circle dot = new Circle(5);
        private final Polygon arrow = new Polygon(0, 0, 9, 5, 0, 10);
        private final Label text = new Label();
        private final HBox gutter = new HBox(3, dot, arrow);
        private final HBox box = new HBox(4, gutter, text);

        Row() {
            dot.getStyleClass().add("gutter-breakpoint");
            gutter.getStyleClass().add("gutter");
            gutter.setAlignment(Pos.CENTER_LEFT);
            gutter.setMinWidth(30);
            box.setAlignment(Pos.CENTER_LEFT);
            text.getStyleClass().add("disasm-text");
            gutter.setOnMouseClicked(e -> {
                if (getItem() instanceof CodeLine.Code c) { toggle(c.address()); e.consume(); }
            });
        }

        @Override protected void updateItem(CodeLine line, boolean empty) {
            super.updateItem(line, empty);
            setText(null);
            if (empty || line == null) {
                setGraphic(null);
                pseudoClassStateChanged(CURRENT, false);
                pseudoClassStateChanged(HEADER, false);
                pseudoClassStateChanged(SYMBOL, false);
                return;
            }
            text.setText(DisassemblyView.this.text(line));
            boolean isCode = line instanceof CodeLine.Code;
            pseudoClassStateChanged(HEADER, line instanceof CodeLine.Header);
            pseudoClassStateChanged(SYMBOL, line instanceof CodeLine.Symbol);
            long address = isCode ? ((CodeLine.Code) line).address() : 0;
            Optional<dev.sextant.engine.api.Breakpoint> bp = isCode ? model.breakpointAt(address) : Optional.empty();
            dot.setVisible(bp.isPresent());
            dot.setOpacity(bp.map(b -> b.enabled() ? 1.0 : 0.35).orElse(1.0));
            Map<Long, Boolean> pcs = model.framePcs().get();
            Boolean frame = isCode ? pcs.get(address) : null;
            arrow.setVisible(frame != null);
            arrow.getStyleClass().setAll(Boolean.TRUE.equals(frame) ? "gutter-pc-current" : "gutter-pc");
            pseudoClassStateChanged(CURRENT, isCode && model.current().get().map(a -> a.value() == address).orElse(false));
            setId(isCode ? "disasm-" + Long.toHexString(address) : null);
            setGraphic(box);
        }
    }
}
