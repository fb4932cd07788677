package dev.sextant.app.view.sourcepaths;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.Screenshot;
import dev.sextant.app.WindowTest;
import dev.sextant.app.view.source.SourceModel;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.SourceSubstitution;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * Symbols → Source paths…: a core whose program's source tree moved away shows "not found"; a
 * substitution added in the dialog (old tree → new place) makes the Source view show the crash line
 * from the moved file, and the engine keeps the list.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SourcePathsGuiTest extends WindowTest {
    Optional<SourceModel.Display> shown() { return Optional.ofNullable(window.sourceView().rendered().get()); }

    @Test void aSubstitutionAddedInTheDialogFindsAMovedSource(FxRobot robot) throws Exception {
        Path built = Files.createDirectories(dir.resolve("build-tree"));
        Path exe = NativePrograms.compile("crash", built);
        Path core = NativePrograms.coreOf(exe, dir);
        Path moved = Files.createDirectories(dir.resolve("moved-tree"));
        Files.move(built.resolve("crash.c"), moved.resolve("crash.c"));
        int storeLine = NativePrograms.line("crash", "store");

        AtomicReference<CompletableFuture<?>> opened = new AtomicReference<>();
        robot.interact(() -> opened.set(window.open(core, Optional.of(exe), Optional.empty())));
        opened.get().get(60, TimeUnit.SECONDS);
        waitFor("the source view saying crash.c is missing", () -> shown().map(d -> d.missing().isPresent()
                && d.missing().get().file().endsWith("crash.c")).orElse(false));

        Platform.runLater(window::editSourcePaths);      // showAndWait: not inside interact
        waitFor("the Source paths dialog", () -> robot.lookup("#source-paths-list").tryQuery().isPresent());
        ListView<SourceSubstitution> list = robot.lookup("#source-paths-list").queryListView();
        assertThat(list.getItems()).isEmpty();
        robot.interact(() -> {
            robot.lookup("#source-paths-from").<TextField>query().setText(built.toString());
            robot.lookup("#source-paths-to").<TextField>query().setText(moved + "/");
        });
        robot.clickOn("#source-paths-add");
        assertThat(list.getItems()).containsExactly(new SourceSubstitution(built.toString(), moved.toString()));
        robot.interact(() -> shot(list, Path.of("target", "source-paths-dialog.png")));
        robot.clickOn((Button) robot.lookup(".dialog-pane .button").match(n -> n instanceof Button b && b.isDefaultButton()).query());

        waitFor("the moved crash.c shown at the crash line", () -> shown().map(d -> d.text().isPresent()
                && d.line() == storeLine).orElse(false));
        String expected = Files.readAllLines(moved.resolve("crash.c")).get(storeLine - 1);
        assertThat(window.sourceView().highlightedLineText()).contains(expected);
        assertThat(engine.submit(new Command.ListSourceSubstitutions()).get(10, TimeUnit.SECONDS))
                .containsExactly(new SourceSubstitution(built.toString(), moved.toString()));
        assertThat(Files.readString(configDir.resolve("substitute-path"))).contains(moved.toString());
    }

    static void shot(javafx.scene.Node n, Path png) {
        try {
            Screenshot.write(n.getScene().snapshot(null), png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test void editAndReorderInTheDialog(FxRobot robot) throws Exception {
        SourceSubstitution a = new SourceSubstitution("/build/a", "/src/a"), b = new SourceSubstitution("/build/b", "/src/b");
        AtomicReference<SourcePathsDialog> d = new AtomicReference<>();
        robot.interact(() -> d.set(new SourcePathsDialog(window.stage(), List.of(a, b))));
        Platform.runLater(() -> d.get().dialog().show());
        waitFor("the dialog", () -> robot.lookup("#source-paths-list").tryQuery().isPresent());
        ListView<SourceSubstitution> list = robot.lookup("#source-paths-list").queryListView();
        robot.interact(() -> list.getSelectionModel().select(1));
        robot.clickOn("#source-paths-up");
        assertThat(d.get().entries()).containsExactly(b, a);
        robot.interact(() -> robot.lookup("#source-paths-to").<TextField>query().setText("/elsewhere/b"));
        robot.clickOn("#source-paths-replace");
        assertThat(d.get().entries()).containsExactly(new SourceSubstitution("/build/b", "/elsewhere/b"), a);
        robot.interact(() -> robot.lookup("#source-paths-to").<TextField>query().setText(" "));
        robot.clickOn("#source-paths-add");
        assertThat(robot.lookup("#source-paths-problem").queryLabeled().getText()).contains("Type both directories");
        robot.interact(() -> list.getSelectionModel().select(1));
        robot.clickOn("#source-paths-remove");
        assertThat(d.get().entries()).containsExactly(new SourceSubstitution("/build/b", "/elsewhere/b"));
        robot.interact(() -> d.get().dialog().close());
    }
}
