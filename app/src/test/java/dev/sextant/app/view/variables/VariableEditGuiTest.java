package dev.sextant.app.view.variables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * Editing a local in the Variables tree: the demo stopped in process_order(id, quantity); F2 on
 * {@code quantity}, a new value and Enter write it into the process, and the tree read again from
 * the process shows it; a struct-less summary (none here) or an expression that fails says why in the status line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VariableEditGuiTest extends WindowTest {

    @Test void aLocalEditedInTheTreeIsWrittenToTheProcess(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler for the demo");
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc");
        var p = launchDemo(robot);
        robot.interact(() -> window.debug().breakpoint("process_order"));
        robot.clickOn("Variables");
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
