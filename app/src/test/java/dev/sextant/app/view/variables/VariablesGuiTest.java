package dev.sextant.app.view.variables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.Screenshot;
import dev.sextant.app.WindowTest;
import dev.sextant.app.view.watches.WatchRow;
import dev.sextant.engine.api.ProcessInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * The demo stopped in process_order(id, quantity): the Variables tab shows its arguments and locals
 * (quantity is id % 7 + 1, as the demo calls it), and after three steps {@code total} is id (one loop
 * turn) and the loop's {@code i} is in scope: the tree and a watch on {@code total} follow. Editing a
 * local: F2 on {@code quantity}, a new value and Enter write it into the process, and the tree read again
 * from the process shows it; an expression that fails says why in the status line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VariablesGuiTest extends WindowTest {

    @Test void theEmptyTreeSaysWhatTheStatusLineSays(FxRobot robot) throws Exception {
        TreeTableView<VariableRow> tree = robot.lookup("#variables").query();
        Label status = robot.lookup("#variables-status").query();
        Label empty = robot.lookup("#variables-empty").query();
        assertThat(tree.getPlaceholder()).isSameAs(empty);
        waitFor("a message on the status line", () -> !status.getText().isEmpty());
        assertThat(empty.getText()).isEqualTo(status.getText()).isNotEqualTo("No content in table");
        var p = stopInProcessOrder(robot);
        waitFor("the arguments of process_order", () -> value(tree, "quantity").isPresent());
        assertThat(status.getText()).endsWith("variables");
        detach(robot, p);
    }

    @Test void variablesAndWatchesFollowTheSteps(FxRobot robot) throws Exception {
        var p = stopInProcessOrder(robot);
        TreeTableView<VariableRow> tree = robot.lookup("#variables").query();
        waitFor("the arguments of process_order", () -> value(tree, "quantity").isPresent() && value(tree, "id").isPresent());
        long id = Long.parseLong(value(tree, "id").get());
        assertThat(Long.parseLong(value(tree, "quantity").get())).isEqualTo(id % 7 + 1);
        // i belongs to the loop's block, which the pc has not entered yet (gdb does not show it either)
        assertThat(tree.getRoot().getChildren().stream().map(i -> i.getValue().name())).containsExactly("id", "quantity", "total");
        assertThat(tree.getRoot().getChildren().stream().filter(i -> i.getValue().name().equals("id")).findFirst().orElseThrow()
                .getValue().type()).isEqualTo("int");

        robot.clickOn("Watches");
        TextField input = robot.lookup("#watch-input").query();
        robot.clickOn(input).write("total").type(KeyCode.ENTER);
        robot.clickOn(input).write("id * 2 + nope").type(KeyCode.ENTER);
        TableView<WatchRow> watches = robot.lookup("#watches").queryTableView();
        waitFor("the watches evaluated", () -> watches.getItems().size() == 2 && !watches.getItems().get(0).shown().isEmpty()
                && watches.getItems().get(1).error().isPresent());
        assertThat(watches.getItems().get(1).error()).contains("no symbol `nope` in scope");

        for (int step = 0; step < 3; step++) {
            String before = window.status().text();
            robot.press(KeyCode.F10).release(KeyCode.F10);
            int s = step;
            waitFor("step " + (s + 1), () -> window.status().text().contains("stepped to") && !window.status().text().equals(before));
        }
        waitFor("the watch on total after the loop's first turn", () -> watches.getItems().get(0).value().equals(Long.toString(id)));
        robot.clickOn("Variables");
        waitFor("total in the tree after the steps", () -> value(tree, "total").equals(Optional.of(Long.toString(id))));
        assertThat(value(tree, "i")).as("the loop's counter, now in scope").isPresent();
        Path png = Files.createDirectories(Path.of("target/screenshots")).resolve("variables.png");
        robot.interact(() -> {
            try {
                Screenshot.write(window.stage().getScene().snapshot(null), png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        detach(robot, p);
    }

    @Test void aLocalEditedInTheTreeIsWrittenToTheProcess(FxRobot robot) throws Exception {
        var p = stopInProcessOrder(robot);
        TreeTableView<VariableRow> tree = robot.lookup("#variables").query();
        waitFor("the arguments of process_order", () -> value(tree, "quantity").isPresent());
        String id = value(tree, "id").orElseThrow();
        String wanted = "id * 3 + 1";
        long expected = Long.parseLong(id) * 3 + 1;

        select(robot, tree, "quantity");
        robot.press(KeyCode.F2).release(KeyCode.F2);
        waitFor("the value cell in edit", () -> tree.getEditingCell() != null);
        robot.write(wanted).type(KeyCode.ENTER);
        waitFor("quantity read back from the process", () -> value(tree, "quantity").equals(Optional.of(Long.toString(expected))));
        Label status = robot.lookup("#variables-status").query();
        waitFor("the status line", () -> status.getText().contains("quantity = " + expected));

        // a mistake in the new value: the status line says why, the value stays
        select(robot, tree, "total");
        robot.press(KeyCode.F2).release(KeyCode.F2);
        waitFor("the value cell in edit", () -> tree.getEditingCell() != null);
        robot.write("nope + 1").type(KeyCode.ENTER);
        waitFor("the refusal", () -> status.getText().contains("nope"));
        assertThat(value(tree, "quantity")).contains(Long.toString(expected));

        detach(robot, p);
    }

    /** The demo launched and stopped at a breakpoint in process_order(id, quantity), the Variables tab shown. */
    private ProcessInfo stopInProcessOrder(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc");
        ProcessInfo p = launchDemo(robot);
        robot.interact(() -> window.debug().breakpoint("process_order"));
        robot.clickOn("Variables");
        return p;
    }

    /** Detaches (the demo runs on), then ends the demo. */
    private void detach(FxRobot robot, ProcessInfo p) throws Exception {
        robot.interact(() -> window.debug().detach());
        waitFor("detach", () -> window.status().text().startsWith("Detached"));
        ProcessHandle.of(p.pid().value()).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void select(FxRobot robot, TreeTableView<VariableRow> tree, String name) {
        robot.interact(() -> {
            for (int i = 0; i < tree.getExpandedItemCount(); i++) {
                TreeItem<VariableRow> item = tree.getTreeItem(i);
                if (item != null && item.getValue() != null && item.getValue().name().equals(name)) {
                    tree.getSelectionModel().clearAndSelect(i);
                    tree.requestFocus();
                    return;
                }
            }
            throw new AssertionError("no row " + name);
        });
    }

    private static Optional<String> value(TreeTableView<VariableRow> tree, String name) {
        if (tree.getRoot() == null) return Optional.empty();
        for (TreeItem<VariableRow> i : tree.getRoot().getChildren()) {
            if (i.getValue() != null && i.getValue().name().equals(name)) return Optional.of(i.getValue().value());
        }
        return Optional.empty();
    }
}
