package dev.sextant.app.view.threads;

import dev.sextant.app.view.table.TextWidth;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StackGroup;
import dev.sextant.engine.api.Tid;
import dev.sextant.icons.Icon;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ObservableList;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;

/**
 * The Threads view with "group identical" on: a row per stack group (threads with the same pcs),
 * largest first, with its count and top frame; expanding a group lists its threads, made on first
 * expansion (a group of 100,000 threads costs nothing until opened; the tree is virtualised).
 */
final class ThreadGroupsView {
    private final TreeTableView<ThreadGroupRow> tree = new TreeTableView<>(new TreeItem<>());
    private final ThreadsModel model;
    private final TreeTableColumn<ThreadGroupRow, ThreadGroupRow> stack;
    private final TreeTableColumn<ThreadGroupRow, ThreadGroupRow> source;

    ThreadGroupsView(ThreadsModel model, Consumer<Tid> onSelect) {
        this.model = model;
        tree.setId("threads-groups");
        tree.setShowRoot(false);
        tree.getStyleClass().addAll("dense", "striped");
        tree.setPlaceholder(new Label("No groups yet: the stacks are grouped once they are all unwound"));
        tree.setColumnResizePolicy(TreeTableView.UNCONSTRAINED_RESIZE_POLICY);
        TreeTableColumn<ThreadGroupRow, ThreadGroupRow> threads = column("Threads", 130, ThreadGroupsView::label);
        threads.setCellFactory(c -> new TreeTableCell<>() {
            @Override protected void updateItem(ThreadGroupRow r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : label(r));
                setGraphic(empty || r == null || !r.marked() ? null : Icon.CRASHED_THREAD.graphic());
            }
        });
        stack = column("Stack (innermost first)", 300, ThreadGroupRow::stack);
        source = column("Source", 200, ThreadGroupRow::source);
        column("Frames", 60, r -> Integer.toString(r.frames()));
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, it) -> {
            if (it != null && it.getValue() != null) it.getValue().tid().ifPresent(onSelect);
        });
        model.groups().addListener((o, a, groups) -> show(groups));
    }

    private void show(List<StackGroup> groups) {
        ObservableList<TreeItem<ThreadGroupRow>> items = tree.getRoot().getChildren();
        items.clear();
        Optional<Tid> first = model.rows().isEmpty() ? Optional.empty() : Optional.of(model.rows().get(0).tid());
        double stackWidth = 120, sourceWidth = 80;
        for (StackGroup g : groups) {
            // a group's tids are in ascending (unsigned) order: StackGroup.group sorts them
            boolean marked = g.crashed() || first.filter(t -> model.row(t).map(ThreadRow::stopped).orElse(false) && java.util.Collections.binarySearch(g.tids(), t, (x, y) -> Integer.compareUnsigned(x.value(), y.value())) >= 0).isPresent();
            ThreadGroupRow row = new ThreadGroupRow(Optional.empty(), g.count(), "", stack(g.frames()), top(g.frames(), f -> f.sourceLine().orElse("")),
                    physical(g.frames()), marked);
            items.add(new GroupItem(g, row));
            stackWidth = Math.max(stackWidth, TextWidth.of(row.stack(), false));
            sourceWidth = Math.max(sourceWidth, TextWidth.of(row.source(), false));
        }
        // As wide as the widest text: a cut stack would hide where the groups differ.
        stack.setPrefWidth(stackWidth + 24);
        source.setPrefWidth(sourceWidth + 24);
    }

    private static String label(ThreadGroupRow r) {
        return r.tid().map(t -> Integer.toUnsignedString(t.value()) + (r.name().isEmpty() ? "" : " " + r.name()))
                .orElse(String.format(Locale.ROOT, "%,d %s", r.count(), r.count() == 1 ? "thread" : "threads"));
    }

    /** The functions, innermost first, without offsets: where groups differ at a glance. */
    private static String stack(List<StackFrame> frames) {
        StringBuilder sb = new StringBuilder();
        for (StackFrame f : frames) sb.append(sb.length() == 0 ? "" : " ← ").append(f.function().orElse(f.pc().toString()));
        return sb.toString();
    }

    private static String top(List<StackFrame> frames, Function<StackFrame, String> f) {
        return frames.isEmpty() ? "" : f.apply(frames.get(0));
    }

    private static int physical(List<StackFrame> frames) {
        return (int) frames.stream().filter(f -> !f.inline()).count();
    }

    /** A group whose thread rows are made when it is first expanded. */
    private final class GroupItem extends TreeItem<ThreadGroupRow> {
        GroupItem(StackGroup g, ThreadGroupRow row) {
            super(row);
            getChildren().add(new TreeItem<>());       // a placeholder: the expander shows
            expandedProperty().addListener((o, was, open) -> {
                if (!open || getChildren().size() != 1 || getChildren().get(0).getValue() != null) return;
                var kids = new java.util.ArrayList<TreeItem<ThreadGroupRow>>(g.count());
                for (Tid t : g.tids()) {
                    Optional<ThreadRow> r = model.row(t);
                    kids.add(new TreeItem<>(new ThreadGroupRow(Optional.of(t), 1, r.map(ThreadRow::name).orElse(""), row.stack(), row.source(),
                            row.frames(), r.map(x -> x.crashed() || x.stopped()).orElse(false))));
                }
                getChildren().setAll(kids);
            });
        }
    }

    private TreeTableColumn<ThreadGroupRow, ThreadGroupRow> column(String title, double width, Function<ThreadGroupRow, String> text) {
        TreeTableColumn<ThreadGroupRow, ThreadGroupRow> c = new TreeTableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().getValue()));
        c.setCellFactory(col -> new TreeTableCell<>() {
            @Override protected void updateItem(ThreadGroupRow r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : text.apply(r));
            }
        });
        c.setPrefWidth(width);
        c.setSortable(false);
        tree.getColumns().add(c);
        return c;
    }

    TreeTableView<ThreadGroupRow> tree() { return tree; }
}
