package dev.sextant.app.view.status;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.icons.Icon;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The status bar: what is going on, a progress bar while the engine works, and Cancel (also Esc).
 * Progress comes from {@link DebugEvent.ProgressReported} through the event bridge.
 */
public final class StatusBar {
    private final Label message = new Label("Ready");
    private final ProgressBar progress = new ProgressBar();
    private final Button cancel = new Button("Cancel", Icon.CANCEL.graphic());
    private final HBox node;
    private Runnable onCancel = () -> {};
    private final Label symbolText = new Label();
    private final ProgressBar symbolBar = new ProgressBar();
    private final Button symbolCancel = new Button(null, Icon.CANCEL.graphic());
    private Runnable onCancelSymbols = () -> {};

    public StatusBar() {
        message.setId("status-message");
        progress.setId("status-progress");
        cancel.setId("status-cancel");
        progress.setPrefWidth(180);
        cancel.setOnAction(e -> onCancel.run());
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        symbolText.setId("status-symbols");
        symbolBar.setId("status-symbols-progress");
        symbolBar.setPrefWidth(120);
        symbolCancel.setId("status-symbols-cancel");
        symbolCancel.setTooltip(new javafx.scene.control.Tooltip("Cancel every symbol load"));
        symbolCancel.setOnAction(e -> onCancelSymbols.run());
        node = new HBox(8, message, spring, symbolText, symbolBar, symbolCancel, progress, cancel);
        symbolLoads(0, 0);
        node.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        node.setStyle("-fx-padding: 3 8 3 8;");
        idle("Ready");
    }

    /** Work started: shows an indeterminate bar and Cancel, which runs {@code cancelAction}. */
    public void busy(String text, Runnable cancelAction) {
        FxThread.check();
        message.setText(text);
        progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        progress.setVisible(true);
        cancel.setVisible(true);
        cancel.setDisable(false);
        onCancel = cancelAction;
    }

    public void idle(String text) {
        message.setText(text);
        progress.setVisible(false);
        cancel.setVisible(false);
        onCancel = () -> {};
    }

    /**
     * Overall symbol-load progress, beside the main task's: {@code done} of {@code total} modules;
     * hidden when nothing is queued ({@code done == total}).
     */
    public void symbolLoads(long done, long total) {
        boolean active = total > 0 && done < total;
        symbolText.setText(active ? "Symbols: " + done + " of " + total + " modules" : "");
        symbolBar.setProgress(total > 0 ? (double) done / total : 0);
        for (Node n : List.of(symbolText, symbolBar, symbolCancel)) {
            n.setVisible(active);
            n.setManaged(active);
        }
    }

    public String symbolText() { return symbolText.getText(); }

    /** What the symbol-progress Cancel button does. */
    public void onCancelSymbols(Runnable action) { onCancelSymbols = action; }

    public boolean isBusy() { return cancel.isVisible(); }

    public void cancel() { onCancel.run(); }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (batch.get(i) instanceof DebugEvent.ProgressReported p && !p.task().equals("Loading symbols")) {  // those have their own bar
                if (isBusy() && p.total() > 0) {
                    progress.setProgress((double) p.done() / p.total());
                    message.setText(p.task() + ": " + p.done() + " of " + p.total());
                }
                return;
            }
        }
    }

    public Node node() { return node; }

    public String text() { return message.getText(); }
}
