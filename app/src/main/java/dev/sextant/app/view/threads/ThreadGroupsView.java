package dev.sextant.app.view.threads;

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
    /** A group's row ({@code tid} empty) or one of its threads' rows. */
    record Row(Optional<Tid> tid, int count, String name, String location, String source, int frames, boolean marked) {}

    private final TreeTableView<Row> tree = new TreeTableView<>(new TreeItem<>());
    private final ThreadsModel model;

    ThreadGroupsView(ThreadsModel model, Consumer<Tid> onSelect) {
        this.model = model;
        tree.setId("threads-groups");
        tree.setShowRoot(false);
        tree.getStyleClass().addAll("dense", "striped");
        tree.setPlaceholder(new Label("No groups yet: the stacks are grouped once they are all unwound"));
        tree.setColumnResizePolicy(TreeTableView.UNCONSTRAINED_RESIZE_POLICY);
        TreeTableColumn<Row, Row> threads = column("Threads", 130, r -> r.tid().map(t -> Integer.toUnsignedString(t.value()))
                .orElse(String.format(Locale.ROOT, "%,d %s", r.count(), r.count() == 1 ? "thread" : "threads")));
        threads.setCellFactory(c -> new TreeTableCell<>() {
            @Override protected void updateItem(Row r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : r.tid().map(t -> Integer.toUnsignedString(t.value()))
                        .orElse(String.format(Locale.ROOT, "%,d %s", r.count(), r.count() == 1 ? "thread" : "threads")));
                setGraphic(empty || r == null || !r.marked() ? null : Icon.CRASHED_THREAD.graphic());
            }
        });
        column("Name", 100, Row::name);
        column("Location", 220, Row::location);
        column("Source", 240, Row::source);
        column("Frames", 60, r -> Integer.toString(r.frames()));
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, it) -> {
            if (it != null && it.getValue() != null) it.getValue().tid().ifPresent(onSelect);
        });
        model.groups().addListener((o, a, groups) -> show(groups));
    }

    private void show(List<StackGroup> groups) {
        ObservableList<TreeItem<Row>> items = tree.getRoot().getChildren();
        items.clear();
        Optional<Tid> first = model.rows().isEmpty() ? Optional.empty() : Optional.of(model.rows().get(0).tid());
        for (StackGroup g : groups) {
            boolean marked = g.crashed() || first.filter(t -> model.row(t).map(ThreadRow::stopped).orElse(false) && g.tids().contains(t)).isPresent();
            items.add(new GroupItem(g, new Row(Optional.empty(), g.count(), "", top(g.frames(), StackFrame::location),
                    top(g.frames(), f -> f.sourceLine().orElse("")), physical(g.frames()), marked)));
        }
    }

    private static String top(List<StackFrame> frames, Function<StackFrame, String> f) {
        return frames.isEmpty() ? "" : f.apply(frames.get(0));
    }

    private static int physical(List<StackFrame> frames) {
        return (int) frames.stream().filter(f -> !f.inline()).count();
    }

    /** A group whose thread rows are made when it is first expanded. */
    private final class GroupItem extends TreeItem<Row> {
        GroupItem(StackGroup g, Row row) {
            super(row);
            getChildren().add(new TreeItem<>());       // a placeholder: the expander shows
            expandedProperty().addListener((o, was, open) -> {
                if (!open || getChildren().size() != 1 || getChildren().get(0).getValue() != null) return;
                var kids = new java.util.ArrayList<TreeItem<Row>>(g.count());
                for (Tid t : g.tids()) {
                    Optional<ThreadRow> r = model.row(t);
                    kids.add(new TreeItem<>(new Row(Optional.of(t), 1, r.map(ThreadRow::name).orElse(""), row.location(), row.source(),
                            row.frames(), r.map(x -> x.crashed() || x.stopped()).orElse(false))));
                }
                getChildren().setAll(kids);
            });
        }
    }

    private TreeTableColumn<Row, Row> column(String title, double width, Function<Row, String> text) {
        TreeTableColumn<Row, Row> c = new TreeTableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().getValue()));
        c.setCellFactory(col -> new TreeTableCell<>() {
            @Override protected void updateItem(Row r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : text.apply(r));
            }
        });
        c.setPrefWidth(width);
        c.setSortable(false);
        tree.getColumns().add(c);
        return c;
    }

    TreeTableView<Row> tree() { return tree; }
}
