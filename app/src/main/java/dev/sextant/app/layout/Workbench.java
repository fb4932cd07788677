package dev.sextant.app.layout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.BorderPane;

/**
 * The panes of the main window, in the manner of Visual Studio's and RAD Debugger's panels: a
 * foldable summary on top, then five areas of tabs in resizable split panes:
 * <pre>
 *   ┌──────────────── summary (click its title to fold) ────────────────────┐
 *   │ LEFT          │ CENTER                                                │
 *   │ Threads       │ Source | Disassembly                                  │
 *   ├───────────────┴─────────────────────┬─────────────────────────────────┤
 *   │ BOTTOM  Call stack | Modules | …    │ BOTTOM_RIGHT Variables | Watch… │
 *   └─────────────────────────────────────┴─────────────────────────────────┘
 * </pre>
 * As in Visual Studio's debugging layout: at a stop the four things a user reads first (threads,
 * the source line, the stack, the variables) are all in sight at once, each wide enough for its
 * text; the tables of the whole target share the bottom left, the program's data the bottom right.
 * A view registers itself with one line: {@code workbench.add(Area.BOTTOM_RIGHT, "Variables", view.node())}.
 * An area without tabs takes no room. Divider positions, the selected tab of each area and
 * whether the summary is folded are saved to and restored from a {@link LayoutStore}.
 */
public final class Workbench {
    /** Where a pane goes. */
    public enum Area { LEFT, CENTER, RIGHT, BOTTOM, BOTTOM_RIGHT }

    private static final double[] UPPER_DEFAULTS_3 = {0.22, 0.56};
    private static final double[] UPPER_DEFAULTS_2 = {0.34};
    private static final double LOWER_DEFAULT = 0.64;
    private static final double BODY_DEFAULT = 0.52;
    private final Map<Area, TabPane> areas = new EnumMap<>(Area.class);
    private final SplitPane upper = new SplitPane();
    private final SplitPane lower = new SplitPane();
    private final SplitPane body = new SplitPane();
    private final TitledPane summary;
    private final BorderPane node;

    /** {@code summaryTitle} stays visible when the summary is folded; {@code summaryDetails} folds away. */
    public Workbench(Node summaryTitle, Node summaryDetails) {
        for (Area a : Area.values()) {
            TabPane t = new TabPane();
            t.setId("area-" + a.name().toLowerCase(Locale.ROOT));
            t.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
            areas.put(a, t);
        }
        upper.setId("split-upper");
        lower.setId("split-lower");
        body.setId("split-body");
        body.setOrientation(Orientation.VERTICAL);
        summary = new TitledPane(null, summaryDetails);
        summary.setId("summary-pane");
        summary.setGraphic(summaryTitle);
        summary.setAnimated(false);
        summary.setExpanded(true);
        node = new BorderPane(body);
        node.setTop(summary);
    }

    /** Adds a pane as a tab of {@code area} (its id: {@code tab-} and the title in lower case, dashes for spaces). */
    public Tab add(Area area, String title, Node content) {
        Tab t = new Tab(title, content);
        t.setId("tab-" + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        areas.get(area).getTabs().add(t);
        arrange();
        return t;
    }

    /** Shows a tab (selects it in its area). */
    public void select(Tab t) { t.getTabPane().getSelectionModel().select(t); }

    public Optional<Tab> tab(String title) {
        return areas.values().stream().flatMap(a -> a.getTabs().stream()).filter(t -> t.getText().equals(title)).findFirst();
    }

    public List<Tab> tabs() {
        List<Tab> out = new ArrayList<>();
        for (TabPane a : areas.values()) out.addAll(a.getTabs());
        return out;
    }

    public TabPane area(Area a) { return areas.get(a); }

    public TitledPane summary() { return summary; }

    public Node node() { return node; }

    private void arrange() {
        List<Node> top = new ArrayList<>();
        for (Area a : List.of(Area.LEFT, Area.CENTER, Area.RIGHT)) if (!areas.get(a).getTabs().isEmpty()) top.add(areas.get(a));
        if (!upper.getItems().equals(top)) {
            upper.getItems().setAll(top);
            if (top.size() == 3) upper.setDividerPositions(UPPER_DEFAULTS_3);
            if (top.size() == 2) upper.setDividerPositions(UPPER_DEFAULTS_2);
        }
        List<Node> bottom = new ArrayList<>();
        for (Area a : List.of(Area.BOTTOM, Area.BOTTOM_RIGHT)) if (!areas.get(a).getTabs().isEmpty()) bottom.add(areas.get(a));
        if (!lower.getItems().equals(bottom)) {
            lower.getItems().setAll(bottom);
            if (bottom.size() == 2) lower.setDividerPositions(LOWER_DEFAULT);
        }
        List<Node> rows = new ArrayList<>();
        if (!top.isEmpty()) rows.add(upper);
        if (!bottom.isEmpty()) rows.add(lower);
        if (!body.getItems().equals(rows)) {
            body.getItems().setAll(rows);
            if (rows.size() == 2) body.setDividerPositions(BODY_DEFAULT);
        }
    }

    /** Applies what was saved: divider positions (when the same panes are there), selected tabs, the summary folded. */
    public void restore(LayoutStore store) {
        restoreDividers(store, "split.upper", upper);
        restoreDividers(store, "split.body", body);
        restoreDividers(store, "split.lower", lower);
        for (var e : areas.entrySet()) {
            store.text("tab." + e.getKey().name().toLowerCase(Locale.ROOT)).ifPresent(title -> e.getValue().getTabs().stream()
                    .filter(t -> t.getText().equals(title)).findFirst().ifPresent(t -> e.getValue().getSelectionModel().select(t)));
        }
        store.text("summary.expanded").ifPresent(v -> summary.setExpanded(Boolean.parseBoolean(v)));
    }

    public void save(LayoutStore store) {
        saveDividers(store, "split.upper", upper);
        saveDividers(store, "split.body", body);
        saveDividers(store, "split.lower", lower);
        for (var e : areas.entrySet()) {
            Tab t = e.getValue().getSelectionModel().getSelectedItem();
            if (t != null) store.put("tab." + e.getKey().name().toLowerCase(Locale.ROOT), t.getText());
        }
        store.put("summary.expanded", Boolean.toString(summary.isExpanded()));
    }

    private static void restoreDividers(LayoutStore store, String key, SplitPane pane) {
        Optional<String> v = store.text(key);
        if (v.isEmpty()) return;
        try {
            double[] d = Arrays.stream(v.get().split(",")).mapToDouble(Double::parseDouble).toArray();
            boolean sane = d.length == pane.getDividers().size() && Arrays.stream(d).allMatch(x -> x > 0.02 && x < 0.98);
            if (sane) pane.setDividerPositions(d);
        } catch (NumberFormatException e) {
            // a hand-edited file: keep the defaults
        }
    }

    private static void saveDividers(LayoutStore store, String key, SplitPane pane) {
        StringBuilder sb = new StringBuilder();
        for (double d : pane.getDividerPositions()) sb.append(sb.length() == 0 ? "" : ",").append(d);
        store.put(key, sb.toString());
    }
}
