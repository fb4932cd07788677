package dev.sextant.app.view.variables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * A core of state.c, crashed in inner(): in the Variables tree the pointer {@code ip} expands to what
 * it points to, read on expand (gdb's {@code print *ip} on the same core is the reference), and
 * {@code s} to its struct with its members; editing a value of a core is refused with the reason.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PointerFollowGuiTest extends WindowTest {
    @Test void pointersExpandToWhatTheyPointToAndACoreIsNotEdited(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb"), "no gdb for the reference");
        Path exe = NativePrograms.compile("state", dir);
        Path core = NativePrograms.coreOf(exe, dir, "crash");
        String gdb = Tools.reference("gdb", "-batch", "-nx", "-ex", "print *ip", "-ex", "print s->corners[1].y", exe.toString(), core.toString()).stdout();
        String ipTarget = gdb.lines().filter(l -> l.startsWith("$1 = ")).findFirst().orElseThrow().substring(5);
        String cornerY = gdb.lines().filter(l -> l.startsWith("$2 = ")).findFirst().orElseThrow().substring(5);

        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(core, Optional.of(exe), Optional.empty())));
        f.get().get(60, TimeUnit.SECONDS);
        robot.clickOn("Variables");
        TreeTableView<VariableRow> tree = robot.lookup("#variables").query();
        waitFor("inner's locals", () -> top(tree, "ip").isPresent() && top(tree, "s").isPresent());

        TreeItem<VariableRow> ip = top(tree, "ip").orElseThrow();
        assertThat(ip.isLeaf()).as("a pointer can be expanded").isFalse();
        robot.interact(() -> ip.setExpanded(true));
        waitFor("*ip read", () -> ip.getChildren().size() == 1 && ip.getChildren().get(0).getValue().name().equals("*ip")
                && !ip.getChildren().get(0).getValue().value().startsWith("reading"));
        assertThat(ip.getChildren().get(0).getValue().value()).isEqualTo(ipTarget);

        TreeItem<VariableRow> s = top(tree, "s").orElseThrow();
        robot.interact(() -> s.setExpanded(true));
        waitFor("*s read", () -> s.getChildren().size() == 1 && !s.getChildren().get(0).getValue().value().startsWith("reading"));
        TreeItem<VariableRow> shape = s.getChildren().get(0);
        TreeItem<VariableRow> corners = child(shape, "corners");
        TreeItem<VariableRow> y = child(child(corners, "[1]"), "y");
        assertThat(y.getValue().value()).isEqualTo(cornerY);
        assertThat(y.getValue().expression()).contains("(*s).corners[1].y");

        // a core is read-only: the edit is refused with the reason
        robot.interact(() -> {
            for (TreeItem<VariableRow> i = y.getParent(); i != null; i = i.getParent()) i.setExpanded(true);
            tree.scrollTo(tree.getRow(y));
        });
        robot.interact(() -> {
            for (int i = 0; i < tree.getExpandedItemCount(); i++) {
                if (tree.getTreeItem(i) == y) tree.getSelectionModel().clearAndSelect(i);
            }
            tree.requestFocus();
        });
        robot.press(KeyCode.F2).release(KeyCode.F2);
        waitFor("the value cell in edit", () -> tree.getEditingCell() != null);
        robot.write("5").type(KeyCode.ENTER);
        Label status = robot.lookup("#variables-status").query();
        waitFor("the refusal", () -> status.getText().contains("read-only"));
    }

    private static TreeItem<VariableRow> child(TreeItem<VariableRow> parent, String name) {
        return parent.getChildren().stream().filter(c -> c.getValue().name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " under " + parent.getValue().name()));
    }

    private static Optional<TreeItem<VariableRow>> top(TreeTableView<VariableRow> tree, String name) {
        if (tree.getRoot() == null) return Optional.empty();
        return tree.getRoot().getChildren().stream().filter(i -> i.getValue() != null && i.getValue().name().equals(name)).findFirst();
    }
}
