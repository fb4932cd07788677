package dev.sextant.app.view.table;

import dev.sextant.icons.Icon;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.value.ObservableValue;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
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
 * What every Sextant table has: a filter field (type to filter on any column, Ctrl+F to focus
 * it, Esc to clear), sorting, multi-selection, Ctrl+C and a context menu to copy rows out as
 * tab-separated text with a header, and a row count. Tables are virtualised by TableView.
 */
public final class TableKit<R> {
    private final TableView<R> table = new TableView<>();
    private final TextField filter = new TextField();
    private final ObservableList<R> rows;
    private final ShownRows<R> shownRows;
    /** The filtered and sorted view of the rows, while a filter or a sort order is set; else null and the table shows the rows themselves. */
    private Relay<R> relay;
    private FilteredList<R> filtered;
    private java.util.function.Predicate<R> predicate;
    private boolean arranging;
    private final javafx.beans.property.IntegerProperty shown = new javafx.beans.property.SimpleIntegerProperty();
    private final Label count = new Label();
    /** On the list the table shows: keeps {@link #shown} its size (a switch of list is a change of it too). */
    private final javafx.collections.ListChangeListener<R> sizeWatch = c -> shown.set(c.getList().size());
    private final VBox node;
    private final ColumnFitter<R> fitter;
    /** Columns grow to their text up to this width (px); longer text (paths, long C++ names) is elided, whole in the tooltip-less copy. */
    static final double FIT_MAX = 420;

    public TableKit(String id, ObservableList<R> rows, Function<R, String> searchText) {
        this.rows = rows;
        shownRows = new ShownRows<>(rows);
        table.setItems(shownRows);
        // The rows themselves while nothing filters or sorts them: a FilteredList and a SortedList
        // each cost the list's length at every change (100,000 threads: tens of ms on the FX thread).
        table.setSortPolicy(t -> { arrange(); return true; });
        fitter = new ColumnFitter<>(table);
        table.setId(id + "-table");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        // "table-kit" gives every row one fixed height (sextant.css): TableView then never measures
        // rows to estimate the list's height, which was much of each pulse while rows stream in.
        table.getStyleClass().addAll("dense", "striped", "table-kit");
        table.setPlaceholder(new Label("Nothing to show"));
        filter.setId(id + "-filter");
        filter.setPromptText("Filter (Ctrl+F)");
        filter.textProperty().addListener((o, a, text) -> {
            String needle = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
            predicate = needle.isEmpty() ? null : r -> searchText.apply(r).toLowerCase(Locale.ROOT).contains(needle);
            arrange();
        });
        filter.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) { filter.clear(); table.requestFocus(); e.consume(); }
            if (e.getCode() == KeyCode.DOWN) { table.requestFocus(); table.getSelectionModel().selectFirst(); e.consume(); }
        });
        count.setId(id + "-count");
        shownRows.addListener(sizeWatch);
        shown.set(rows.size());
        count.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> shown.get() == rows.size() ? rows.size() + (rows.size() == 1 ? " row" : " rows")
                        : shown.get() + " of " + rows.size() + (rows.size() == 1 ? " row" : " rows"),
                shown, rows));
        HBox.setHgrow(filter, Priority.ALWAYS);
        // In a narrow pane the filter field gives way, not the count (it was drawn as "…")
        count.setMinWidth(Region.USE_PREF_SIZE);
        filter.setMinWidth(60);
        HBox bar = new HBox(6, Icon.FILTER.graphic(), filter, count);
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        bar.getStyleClass().add("table-toolbar");
        VBox.setVgrow(table, Priority.ALWAYS);
        node = new VBox(4, bar, table);
        node.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN).match(e)) { filter.requestFocus(); e.consume(); }
        });
        table.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN).match(e)) { copy(false); e.consume(); }
        });
        MenuItem copySel = new MenuItem("Copy selected rows", Icon.COPY.graphic());
        copySel.setOnAction(e -> copy(false));
        MenuItem copyAll = new MenuItem("Copy all shown rows");
        copyAll.setOnAction(e -> copy(true));
        table.setContextMenu(new ContextMenu(copySel, copyAll));
    }

    /**
     * Shows the rows themselves when no filter and no sort order is set, else a filtered and
     * sorted view of them (made when needed, detached when no longer shown); the selected rows stay
     * selected across the switch. The table's sort policy: a click on a header comes here.
     */
    private void arrange() {
        if (arranging) return;
        boolean wrap = predicate != null || !table.getSortOrder().isEmpty();
        arranging = true;
        try {
            if (wrap && filtered == null) {
                relay = new Relay<>(rows);
                filtered = new FilteredList<>(relay, predicate);
                SortedList<R> sorted = new SortedList<>(filtered);
                sorted.comparatorProperty().bind(table.comparatorProperty());
                switchTo(sorted);
            } else if (wrap) {
                filtered.setPredicate(predicate);
            } else if (filtered != null) {
                relay.detach();
                relay = null;
                filtered = null;
                switchTo(rows);
            }
        } finally {
            arranging = false;
        }
    }

    private void switchTo(ObservableList<R> items) {
        java.util.List<R> selected = new java.util.ArrayList<>(table.getSelectionModel().getSelectedItems());
        R focused = table.getFocusModel().getFocusedItem();
        shownRows.show(items);
        for (R r : selected) if (r != focused) table.getSelectionModel().select(r);
        if (focused != null && selected.contains(focused)) table.getSelectionModel().select(focused);
    }

    public <V> TableColumn<R, V> column(String title, Function<R, V> value, double prefWidth) {
        TableColumn<R, V> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        c.setPrefWidth(prefWidth);
        fitter.header(c);
        fitter.fit(c, FIT_MAX);
        table.getColumns().add(c);
        return c;
    }

    /**
     * A column whose cells follow an observable of the row: when it changes, its one cell is
     * repainted, with no list change and no re-layout of the other rows.
     */
    public <V> TableColumn<R, V> observableColumn(String title, Function<R, ObservableValue<V>> value, double prefWidth) {
        TableColumn<R, V> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> value.apply(cd.getValue()));
        c.setPrefWidth(prefWidth);
        fitter.header(c);
        fitter.fit(c, FIT_MAX);
        table.getColumns().add(c);
        return c;
    }

    /** Widens {@code column} as rows arrive so that its text is never elided (up to {@code max} px; see {@link ColumnFitter}). */
    public void fit(TableColumn<R, ?> column, double max) { fitter.fit(column, max); }

    /**
     * The table's first {@code n} columns stay in view beside a divider: the node's minimum width is
     * their width (as fitted to their text) with room for the vertical scroll bar, so that a
     * {@code SplitPane} moves its divider rather than cut them. What the dump or the session
     * reports decides how wide they get (a kernel with longer note names, a longer function name);
     * beyond {@code most} px the table scrolls instead, and the pane beside it keeps its room.
     */
    public void keepLeadingColumnsInView(int n, double most) {
        DoubleBinding width = Bindings.createDoubleBinding(() -> {
            double w = LEADING_PAD;
            for (int i = 0; i < Math.min(n, table.getColumns().size()); i++) w += table.getColumns().get(i).getWidth();
            return Math.min(most, w);
        }, table.getColumns().stream().limit(n).map(TableColumn::widthProperty).toArray(Observable[]::new));
        node.minWidthProperty().bind(width);
    }

    /**
     * {@code column} widens to the table's right edge whenever the table is wider than the columns
     * up to it: the columns after it start out of view, whole behind the horizontal scroll, never
     * half drawn at the edge of a narrow pane. It only grows (a width the user chose stays).
     */
    public void fillToEdge(TableColumn<R, ?> column) {
        InvalidationListener fill = o -> {
            double before = 0;
            for (TableColumn<R, ?> c : table.getVisibleLeafColumns()) {
                if (c == column) break;
                before += c.getWidth();
            }
            double room = Math.floor(table.getWidth() - LEADING_PAD - before);
            if (room > column.getPrefWidth()) column.setPrefWidth(room);
        };
        table.widthProperty().addListener(fill);
        column.prefWidthProperty().addListener(fill);
    }

    /** The vertical scroll bar and the table's borders, in px (AtlantaFX). */
    static final double LEADING_PAD = 20;

    /** Adds an action on the selected row to the table's context menu. */
    public void addRowAction(String text, javafx.scene.Node graphic, java.util.function.Consumer<R> action) {
        MenuItem item = new MenuItem(text, graphic);
        item.setOnAction(e -> {
            R r = table.getSelectionModel().getSelectedItem();
            if (r != null) action.accept(r);
        });
        item.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        table.getContextMenu().getItems().add(0, item);
    }

    public TableView<R> table() { return table; }

    public TextField filterField() { return filter; }

    public VBox node() { return node; }

    /** The rows as text: a header line, then one tab-separated line per row, in the order shown. */
    public String text(boolean all) {
        StringBuilder sb = new StringBuilder();
        var cols = table.getVisibleLeafColumns();
        for (int i = 0; i < cols.size(); i++) sb.append(i == 0 ? "" : "\t").append(cols.get(i).getText());
        sb.append('\n');
        var rows = all || table.getSelectionModel().getSelectedItems().isEmpty()
                ? table.getItems() : table.getSelectionModel().getSelectedItems();
        for (R r : rows) {
            for (int i = 0; i < cols.size(); i++) {
                ObservableValue<?> v = cols.get(i).getCellObservableValue(r);
                Object o = v == null ? null : v.getValue();
                sb.append(i == 0 ? "" : "\t").append(o == null ? "" : o.toString());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Copies the selected rows (or all shown rows) to the clipboard; returns the text. */
    public String copy(boolean all) {
        String text = text(all);
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        Clipboard.getSystemClipboard().setContent(c);
        return text;
    }
}
