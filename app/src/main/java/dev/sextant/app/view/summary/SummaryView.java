package dev.sextant.app.view.summary;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import dev.sextant.icons.Icon;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.geometry.Insets;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The crash summary: signal, address, crashing thread, executable; and the problems met reading the dump. */
public final class SummaryView {
    private final Label title;
    private final VBox details;

    public SummaryView(SummaryModel model) {
        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(2);
        // Two columns of facts, so that the summary takes four lines of the window's height, not eight.
        row(grid, 0, 0, "Signal|Stopped by", "summary-signal", model, Summary::signal);
        row(grid, 0, 1, "Fault address", "summary-address", model, Summary::address);
        row(grid, 0, 2, "Crashed thread|Stopped thread", "summary-thread", model, s -> s.crashedThread()
                + (s.threads() > 0 ? "   (" + s.threads() + (s.threads() == 1 ? " thread)" : " threads)") : ""));
        row(grid, 0, 3, "System", "summary-system", model, Summary::system);
        row(grid, 1, 0, "Executable", "summary-executable", model, Summary::executable);
        row(grid, 1, 1, "Process", "summary-process", model, s -> s.process() + (s.commandLine().isEmpty() ? "" : "   " + s.commandLine()));
        row(grid, 1, 2, "Dump|Target", "summary-file", model, s -> s.file().isEmpty() ? "" : s.file() + "   (" + s.format() + ")");
        // Only for a core systemd-coredump stored: when, who, which host and boot.
        row(grid, 1, 3, "Recorded", "summary-recorded", model, Summary::recorded);
        grid.getChildren().stream().filter(n -> "recorded".equals(n.getUserData())).forEach(n -> {
            n.visibleProperty().bind(Bindings.createBooleanBinding(() -> !model.summary().get().recorded().isEmpty(), model.summary()));
            n.managedProperty().bind(n.visibleProperty());
        });
        ColumnConstraints valueLeft = new ColumnConstraints();
        valueLeft.setPrefWidth(Region.USE_COMPUTED_SIZE);
        valueLeft.setMinWidth(Region.USE_PREF_SIZE);
        grid.getColumnConstraints().setAll(new ColumnConstraints(), valueLeft);
        title = new Label("No dump open — File → Open dump… (Ctrl+O), or drop a core file here");
        title.setId("summary-title");
        title.getStyleClass().add("title-4");
        title.setGraphic(Icon.SIGNAL.graphic(20));
        title.textProperty().bind(Bindings.createStringBinding(() -> {
            Summary s = model.summary().get();
            if (s.file().isEmpty()) return "No dump open — File → Open dump… (Ctrl+O), or drop a core file here";
            // A live target stopped by a breakpoint, a step or a break is no crash: only a signal is named in the title.
            boolean noCrash = s.signal().equals("none") || (s.format().startsWith("live") && !s.signal().startsWith("SIG"));
            return noCrash ? "Process " + s.process() + (s.signal().equals("running") ? " — running" : "")
                    : s.signal().split(" — ")[0] + " in " + s.process();
        }, model.summary()));
        VBox problems = new VBox(2);
        problems.setId("summary-problems");
        model.diagnostics().addListener((ListChangeListener<Diagnostic>) ch -> {
            problems.getChildren().clear();
            for (Diagnostic d : model.diagnostics()) {
                Label l = new Label(d.message(), (d.severity() == Severity.INFO ? Icon.INFO : Icon.WARNING).graphic());
                l.setWrapText(true);
                l.getStyleClass().add(d.severity() == Severity.ERROR ? "danger" : "warning");
                problems.getChildren().add(l);
            }
        });
        details = new VBox(6, grid, problems);
        details.getStyleClass().add("summary");
        details.setStyle("-fx-padding: 0 10 6 34;");
    }

    /** {@code name} may be "for dumps|for live processes". */
    private static void row(GridPane grid, int column, int r, String name, String id, SummaryModel model, Function<Summary, String> value) {
        String[] names = name.split("\\|");
        Label k = new Label(names[0]);
        if (names.length > 1) {
            k.textProperty().bind(Bindings.createStringBinding(
                    () -> model.summary().get().format().startsWith("live") ? names[1] : names[0], model.summary()));
        }
        k.getStyleClass().add("text-muted");
        k.setMinWidth(Region.USE_PREF_SIZE);     // a long value must not squeeze the names to "…"
        Label v = new Label();
        v.setId(id);
        v.textProperty().bind(Bindings.createStringBinding(() -> value.apply(model.summary().get()), model.summary()));
        HBox box = new HBox(v);
        if (column == 1) k.setPadding(new Insets(0, 0, 0, 24));    // room between the two columns of facts
        if (id.equals("summary-recorded")) { k.setUserData("recorded"); box.setUserData("recorded"); }
        grid.add(k, 2 * column, r);
        grid.add(box, 2 * column + 1, r);
    }

    /** The headline ("SIGSEGV in 4242 (crash)"), shown when the summary is folded too. */
    public Label title() { return title; }

    /** Signal, address, threads, executable, …, and the problems met reading the target. */
    public Node details() { return details; }
}
