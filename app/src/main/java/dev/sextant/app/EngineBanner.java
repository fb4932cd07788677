package dev.sextant.app;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.session.remote.EngineLoss;
import dev.sextant.engine.session.remote.SupervisedEngine;
import dev.sextant.icons.Icon;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The banner under the toolbar that says the engine process ended: how (signal, exit status, the
 * JVM's error file), what it was doing, which file it had open, what became of a live target, and
 * then whether the file was opened again. Stays until closed (the views keep what they showed).
 */
final class EngineBanner {
    private final Label text = new Label();
    private final HBox node;

    EngineBanner() {
        text.setId("engine-banner-text");
        text.setWrapText(true);
        text.setGraphic(Icon.WARNING.graphic());
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);
        Button close = new Button("Dismiss");
        close.setOnAction(e -> hide());
        node = new HBox(8, text, close);
        node.setId("engine-banner");
        node.setPadding(new Insets(6, 10, 6, 10));
        node.setStyle("-fx-background-color: -color-warning-subtle, #fff3cd; -fx-border-color: transparent transparent #d4a017 transparent;");
        hide();
    }

    HBox node() { return node; }

    String text() { return text.getText(); }

    boolean isShowing() { return node.isVisible(); }

    private void hide() {
        node.setVisible(false);
        node.setManaged(false);
    }

    /** Shows every loss of {@code engine}'s process, from now on. */
    void watch(SupervisedEngine engine) {
        FxThread.whenDone(engine.nextLoss(), loss -> {
            show(loss);
            watch(engine);
        }, e -> {});
    }

    private void show(EngineLoss loss) {
        text.setText(loss.describe());
        node.setVisible(true);
        node.setManaged(true);
        loss.reopened().ifPresent(f -> FxThread.whenDone(f, r -> text.setText(text.getText() + " Reopened."),
                e -> text.setText(text.getText() + " Reopening failed: " + e.getMessage())));
    }
}
