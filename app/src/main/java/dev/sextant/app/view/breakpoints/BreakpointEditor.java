package dev.sextant.app.view.breakpoints;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.Breakpoint;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The selected breakpoint's actions, edited below the Breakpoints table: a condition (C expression),
 * "stop after N hits", a log message with {@code {expr}} values (a logpoint), applied with Enter or
 * Apply through the engine ({@code ConfigureBreakpoint}); a refused edit says why under the fields
 * and in the row.
 */
public final class BreakpointEditor {
    /** Applies one breakpoint's actions (each empty clears it). */
    public interface Configure {
        CompletableFuture<Breakpoint> apply(int id, Optional<String> condition, OptionalLong stopAfterHits, Optional<String> logMessage);
    }

    private final TextField condition = new TextField();
    private final TextField hits = new TextField();
    private final TextField log = new TextField();
    private final Button apply = new Button("Apply");
    private final Label title = new Label("Select a breakpoint to edit it");
    private final Label error = new Label();
    private final VBox node;
    private final BreakpointsModel model;
    private final Configure configure;
    private Optional<Breakpoint> editing = Optional.empty();

    BreakpointEditor(BreakpointsModel model, Configure configure) {
        this.model = model;
        this.configure = configure;
        condition.setId("breakpoint-condition");
        condition.setPromptText("Condition: id == 7 && quantity > 2");
        hits.setId("breakpoint-hits");
        hits.setPromptText("Stop after N hits");
        hits.setPrefColumnCount(8);
        log.setId("breakpoint-log");
        log.setPromptText("Log message (never stops): order {id} total {total}");
        apply.setId("breakpoint-apply");
        error.setId("breakpoint-error");
        error.getStyleClass().add("danger");
        error.setWrapText(true);
        for (TextField f : new TextField[] {condition, hits, log}) f.setOnAction(e -> apply());
        apply.setOnAction(e -> apply());
        title.getStyleClass().add("text-bold");
        title.setWrapText(true);
        HBox.setHgrow(hits, Priority.ALWAYS);
        apply.setMinWidth(Region.USE_PREF_SIZE);      // the field narrows, the button's word stays whole
        HBox last = new HBox(6, hits, apply);
        last.setAlignment(Pos.CENTER_LEFT);
        node = new VBox(4, title, condition, log, last, error);
        show(Optional.empty());
    }

    /** Fills the fields from the breakpoint selected now (or disables them). */
    void show(Optional<Breakpoint> b) {
        boolean same = b.map(Breakpoint::id).equals(editing.map(Breakpoint::id));
        editing = b;
        for (Node n : new Node[] {condition, hits, log, apply}) n.setDisable(b.isEmpty());
        error.setText(b.flatMap(x -> model.error(x.id())).orElse(""));
        if (same) return;                        // a hit replaced the row: keep what the user is typing
        title.setText(b.map(x -> "Breakpoint " + x.id() + " at " + x.location() + (x.logpoint() ? " (logpoint)" : ""))
                .orElse("Select a breakpoint to edit it"));
        condition.setText(b.flatMap(Breakpoint::condition).orElse(""));
        hits.setText(b.filter(x -> x.stopAfterHits().isPresent()).map(x -> Long.toString(x.stopAfterHits().getAsLong())).orElse(""));
        log.setText(b.flatMap(Breakpoint::logMessage).orElse(""));
    }

    void apply() {
        if (editing.isEmpty()) return;
        int id = editing.get().id();
        OptionalLong n = OptionalLong.empty();
        String h = hits.getText().strip();
        if (!h.isEmpty()) {
            try {
                n = OptionalLong.of(Long.parseLong(h));
            } catch (NumberFormatException e) {
                n = OptionalLong.of(-1);
            }
            if (n.getAsLong() < 1) { fail(id, "stop after: give a whole number of hits, 1 or more (not '" + h + "')"); return; }
        }
        try {
            FxThread.whenDone(configure.apply(id, text(condition), n, text(log)), b -> {
                model.setError(id, Optional.empty());
                error.setText("");
            }, e -> fail(id, FxThread.cause(e).getMessage()));
        } catch (IllegalArgumentException e) {
            fail(id, e.getMessage());
        }
    }

    private void fail(int id, String message) {
        error.setText(message);
        model.setError(id, Optional.of(message));
    }

    private static Optional<String> text(TextField f) {
        String t = f.getText().strip();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    Node node() { return node; }
}
