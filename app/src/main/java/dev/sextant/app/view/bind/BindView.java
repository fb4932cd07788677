package dev.sextant.app.view.bind;

import dev.sextant.icons.Icon;
import java.util.Locale;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Bind view: image → libraries → procedures, failures first and marked; a filter that keeps
 * the nodes matching it (and their parents); Ctrl+C copies the tree as indented text.
 */
public final class BindView {
    private static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    private final BindModel model;
    private final TreeView<BindNode> tree;
    private final TextField filter = new TextField();
    private final VBox node;

    public BindView(BindModel model) {
        this.model = model;
        tree = new TreeView<>(model.root());
        tree.setId("bind-tree");
        tree.setCellFactory(t -> new TreeCell<>() {
            @Override protected void updateItem(BindNode n, boolean empty) {
                super.updateItem(n, empty);
                setText(empty || n == null ? null : n.toString());
                setGraphic(empty || n == null ? null : switch (n.kind()) {
                    case IMAGE -> Icon.OPEN_DUMP.graphic();
                    case MODULE -> (n.failed() ? Icon.MODULE_MISSING : Icon.MODULE).graphic();
                    case PROCEDURE -> n.failed() ? Icon.WARNING.graphic() : null;
                    case PROBLEM -> Icon.WARNING.graphic();
                });
                pseudoClassStateChanged(FAILED, !empty && n != null && n.failed());
            }
        });
        filter.setId("bind-filter");
        filter.setPromptText("Filter libraries and symbols (Ctrl+F)");
        filter.textProperty().addListener((o, a, text) -> applyFilter(text));
        model.root().getChildren().addListener((javafx.collections.ListChangeListener<TreeItem<BindNode>>) ch -> {
            if (!filter.getText().isBlank()) applyFilter(filter.getText());
        });
        Label counts = new Label();
        counts.setId("bind-counts");
        counts.textProperty().bind(model.counts());
        HBox.setHgrow(filter, Priority.ALWAYS);
        HBox bar = new HBox(6, Icon.FILTER.graphic(), filter, counts);
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        MenuItem copy = new MenuItem("Copy tree", Icon.COPY.graphic());
        copy.setOnAction(e -> copy());
        tree.setContextMenu(new ContextMenu(copy));
        tree.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN).match(e)) { copy(); e.consume(); }
        });
        VBox.setVgrow(tree, Priority.ALWAYS);
        node = new VBox(4, bar, tree);
        node.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN).match(e)) { filter.requestFocus(); e.consume(); }
        });
    }

    /** Hides procedures that do not match; a library stays when its name or any procedure matches. */
    private void applyFilter(String text) {
        String needle = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (needle.isEmpty()) { tree.setRoot(model.root()); return; }
        TreeItem<BindNode> shown = new TreeItem<>(model.root().getValue());
        shown.setExpanded(true);
        for (TreeItem<BindNode> m : model.root().getChildren()) {
            boolean moduleMatches = m.getValue().toString().toLowerCase(Locale.ROOT).contains(needle);
            TreeItem<BindNode> copy = new TreeItem<>(m.getValue());
            for (TreeItem<BindNode> p : m.getChildren()) {
                if (moduleMatches || p.getValue().toString().toLowerCase(Locale.ROOT).contains(needle)) copy.getChildren().add(new TreeItem<>(p.getValue()));
            }
            if (moduleMatches || !copy.getChildren().isEmpty()) {
                copy.setExpanded(!moduleMatches || m.isExpanded());
                shown.getChildren().add(copy);
            }
        }
        tree.setRoot(shown);
    }

    /** The shown tree as indented text. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        append(sb, tree.getRoot(), 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, TreeItem<BindNode> item, int depth) {
        sb.append("  ".repeat(depth)).append(item.getValue().failed() ? "! " : "").append(item.getValue()).append('\n');
        for (TreeItem<BindNode> c : item.getChildren()) append(sb, c, depth + 1);
    }

    private void copy() {
        ClipboardContent c = new ClipboardContent();
        c.putString(text());
        Clipboard.getSystemClipboard().setContent(c);
    }

    public Node node() { return node; }

    public TreeView<BindNode> tree() { return tree; }
}
