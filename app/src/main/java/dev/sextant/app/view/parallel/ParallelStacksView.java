package dev.sextant.app.view.parallel;

import dev.sextant.app.view.table.TextWidth;
import dev.sextant.engine.api.Tid;
import dev.sextant.icons.Icon;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Parallel stacks: every thread's stack merged into one tree of common callers (outermost frames at
 * the roots), each node with its thread count, the crashed or stopped thread's path marked. Selecting
 * a node lists its threads below and makes one current (the marked thread when it is there), at the
 * node's frame: the Call stack and Source follow. Filter, "same function, ignore offsets", copy-out.
 */
public final class ParallelStacksView {
    private final ParallelStacksModel model;
    private final TreeTableView<StackNode> tree = new TreeTableView<>();
    private final ListView<Tid> threads = new ListView<>();
    private final Label threadsTitle = new Label("Select a frame to list its threads");
    private final BiConsumer<Tid, Integer> onCurrent;
    private final VBox node;
    private StackNode shown;

    /** @param onCurrent makes a thread current at a Call-stack row (FX thread) */
    public ParallelStacksView(ParallelStacksModel model, BiConsumer<Tid, Integer> onCurrent) {
        this.model = model;
        this.onCurrent = onCurrent;
        tree.setId("parallel-tree");
        tree.setShowRoot(false);
        tree.rootProperty().bind(model.root());
        tree.setPlaceholder(new Label("No stacks: open a dump, or stop the program"));
        tree.getStyleClass().addAll("dense", "striped");
        tree.setColumnResizePolicy(TreeTableView.UNCONSTRAINED_RESIZE_POLICY);
        text(column("Threads", 84), n -> String.format(Locale.ROOT, "%,d", n.count())).setStyle("-fx-alignment: CENTER-RIGHT");
        TreeTableColumn<StackNode, StackNode> function = column("Function", 360);
        function.setCellFactory(c -> new TreeTableCell<>() {
            @Override protected void updateItem(StackNode n, boolean empty) {
                super.updateItem(n, empty);
                setText(empty || n == null ? null : n.function());
                setGraphic(empty || n == null ? null : n.marked() ? markIcon().graphic()
                        : (n.frame().inline() ? Icon.INLINE_FRAME : Icon.STACK_FRAME).graphic());
                setStyle(!empty && n != null && n.marked() ? "-fx-font-weight: bold" : null);
            }
        });
        tree.setTreeColumn(function);
        TreeTableColumn<StackNode, StackNode> module = text(column("Module", 150), StackNode::module);
        TreeTableColumn<StackNode, StackNode> source = text(column("Source", 240), StackNode::source);
        // Columns as wide as their widest text (the function column with its indentation): nothing elided.
        model.root().addListener((o, a, r) -> {
            function.setPrefWidth(Math.max(200, widest(r, n -> n.function(), true) + 40));
            module.setPrefWidth(Math.max(80, widest(r, StackNode::module, false) + 24));
            source.setPrefWidth(Math.max(80, widest(r, StackNode::source, false) + 24));
        });
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, it) -> show(it == null ? null : it.getValue()));
        tree.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN).match(e)) { copy(); e.consume(); }
        });
        model.root().addListener((o, a, r) -> show(null));

        threads.setId("parallel-threads");
        threads.setPlaceholder(new Label("No frame selected"));
        threads.setCellFactory(l -> new ListCell<>() {
            @Override protected void updateItem(Tid t, boolean empty) {
                super.updateItem(t, empty);
                setText(empty || t == null ? null : "Thread " + Integer.toUnsignedString(t.value()));
                setGraphic(empty || t == null || !model.marked().equals(java.util.Optional.of(t)) ? null : markIcon().graphic());
            }
        });
        threads.getSelectionModel().selectedItemProperty().addListener((o, a, t) -> {
            if (t != null && shown != null) shown.groupOf(t).ifPresent(g -> onCurrent.accept(t, shown.frameIndex(g)));
        });
        threadsTitle.setId("parallel-threads-title");
        threadsTitle.setWrapText(true);             // the thread list is narrow: the hint wraps rather than elides
        threadsTitle.setMinHeight(Region.USE_PREF_SIZE);   // and the list below does not squeeze it back to one line
        VBox below = new VBox(4, threadsTitle, threads);
        VBox.setVgrow(threads, Priority.ALWAYS);
        SplitPane split = new SplitPane(tree, below);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.72);
        VBox.setVgrow(split, Priority.ALWAYS);
        node = new VBox(4, toolbar(), split);
    }

    private HBox toolbar() {
        TextField filter = new TextField();
        filter.setId("parallel-filter");
        filter.setPromptText("Filter: function, module, file (Ctrl+F)");
        model.filter().bind(filter.textProperty());
        filter.setOnKeyPressed(e -> { if (e.getCode() == KeyCode.ESCAPE) { filter.clear(); tree.requestFocus(); } });
        CheckBox byFunction = new CheckBox("Same function, ignore offsets");
        byFunction.setId("parallel-by-function");
        byFunction.setTooltip(new Tooltip("Merge frames of the same function and module whatever their pc (stack --group --by-function)"));
        model.byFunction().bind(byFunction.selectedProperty());
        Button copy = new Button(null, Icon.COPY.graphic());
        copy.setId("parallel-copy");
        copy.setTooltip(new Tooltip("Copy the tree as text (Ctrl+C)"));
        copy.setOnAction(e -> copy());
        Label summary = new Label();
        summary.setId("parallel-summary");
        summary.textProperty().bind(model.summary());
        summary.setMinWidth(Label.USE_PREF_SIZE);
        HBox.setHgrow(filter, Priority.ALWAYS);
        HBox bar = new HBox(6, Icon.FILTER.graphic(), filter, byFunction, copy, summary);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("table-toolbar");
        bar.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN).match(e)) { filter.requestFocus(); e.consume(); }
        });
        return bar;
    }

    /** The widest text of {@code f} over the tree, in pixels ({@code indented}: plus the tree column's indentation). */
    private static double widest(TreeItem<StackNode> it, java.util.function.Function<StackNode, String> f, boolean indented) {
        double w = 0;
        if (it.getValue() != null) {
            w = TextWidth.of(f.apply(it.getValue()), true) + (indented ? 18 * (it.getValue().depth() + 1) + 20 : 0);
        }
        for (TreeItem<StackNode> c : it.getChildren()) w = Math.max(w, widest(c, f, indented));
        return w;
    }

    private void show(StackNode n) {
        shown = n;
        if (n == null) {
            threads.getItems().clear();
            threadsTitle.setText("Select a frame to list its threads");
            return;
        }
        List<Tid> tids = n.threads();
        threadsTitle.setText(String.format(Locale.ROOT, "%,d %s at %s", tids.size(), tids.size() == 1 ? "thread" : "threads", n.function()));
        threads.getItems().setAll(tids);
        // One of them becomes current: the crashed or stopped one when it is here, else the first.
        Tid pick = model.marked().filter(t -> n.groupOf(t).isPresent()).orElse(tids.isEmpty() ? null : tids.get(0));
        if (pick != null) {
            threads.getSelectionModel().select(pick);
            threads.scrollTo(Math.max(0, threads.getSelectionModel().getSelectedIndex() - 2));
        }
    }

    private void copy() {
        ClipboardContent c = new ClipboardContent();
        c.putString(model.text());
        Clipboard.getSystemClipboard().setContent(c);
    }

    private TreeTableColumn<StackNode, StackNode> column(String title, double width) {
        TreeTableColumn<StackNode, StackNode> c = new TreeTableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().getValue()));
        c.setPrefWidth(width);
        c.setSortable(false);
        tree.getColumns().add(c);
        return c;
    }

    private static TreeTableColumn<StackNode, StackNode> text(TreeTableColumn<StackNode, StackNode> c,
                                                              java.util.function.Function<StackNode, String> f) {
        c.setCellFactory(col -> new TreeTableCell<>() {
            @Override protected void updateItem(StackNode n, boolean empty) {
                super.updateItem(n, empty);
                setText(empty || n == null ? null : f.apply(n));
            }
        });
        return c;
    }

    /** Selects the first node (depth-first) whose function is {@code function}; for tests and keyboard users. */
    public boolean selectFunction(String function) {
        TreeItem<StackNode> hit = find(tree.getRoot(), function);
        if (hit == null) return false;
        tree.getSelectionModel().select(hit);
        tree.scrollTo(Math.max(0, tree.getRow(hit) - 2));
        return true;
    }

    private static TreeItem<StackNode> find(TreeItem<StackNode> it, String function) {
        if (it.getValue() != null && it.getValue().frame().function().map(function::equals).orElse(false)) return it;
        for (TreeItem<StackNode> c : it.getChildren()) {
            TreeItem<StackNode> hit = find(c, function);
            if (hit != null) return hit;
        }
        return null;
    }

    public TreeTableView<StackNode> tree() { return tree; }

    public ListView<Tid> threads() { return threads; }

    public Node node() { return node; }

    /** The crash marker for a dump's crashing thread, the stop marker for a live stop (a breakpoint is no crash). */
    private Icon markIcon() { return model.markedCrashed() ? Icon.CRASHED_THREAD : Icon.STOPPED_THREAD; }
}
