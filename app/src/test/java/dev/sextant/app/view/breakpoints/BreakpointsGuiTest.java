package dev.sextant.app.view.breakpoints;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Command;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * The Breakpoints tab on the live demo: add by name, the hit counted, Space disables, Delete removes.
 * Its editor: a condition typed there decides which call of process_order stops (its {@code id} read
 * back), a syntax error is refused in words, a condition that cannot be evaluated shows its error in
 * the row, and a log message prints without stopping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BreakpointsGuiTest extends WindowTest {
    /** The demo running, then a breakpoint on process_order added in the Breakpoints tab; answers the tab's table. */
    private TableView<Breakpoint> breakOnProcessOrder(FxRobot robot) throws Exception {
        waitFor("the demo to run", () -> window.debug().running().get());
        robot.clickOn("Breakpoints");
        robot.clickOn("#breakpoints-add").write("process_order").press(KeyCode.ENTER).release(KeyCode.ENTER);
        return robot.lookup("#breakpoints-table").queryTableView();
    }

    long value(String expr) throws Exception {
        String v = engine.submit(new Command.Evaluate(Optional.empty(), OptionalInt.empty(), expr)).get(30, TimeUnit.SECONDS).value();
        return Long.parseLong(v);
    }

    void type(FxRobot robot, String field, String text) {
        robot.interact(() -> robot.lookup(field).<javafx.scene.control.TextField>query().setText(text));
    }

    /** The first statement of process_order in demo.c: where gdb's "break process_order" stops. */
    static int firstStatementLine() throws Exception {
        try (InputStream in = BreakpointsGuiTest.class.getResourceAsStream("/demo/demo.c")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            int fn = 0;
            while (!lines.get(fn).startsWith("long process_order(")) fn++;
            int body = fn + 1;
            while (!lines.get(body).contains(";")) body++;
            return body + 1;
        }
    }

    @Test void addHitDisableRemove(FxRobot robot) throws Exception {
        int pid = launchDemo(robot).pid().value();
        try {
            TableView<Breakpoint> table = breakOnProcessOrder(robot);
            // Set while running: the engine stops it for the moment, then it runs on into the breakpoint.
            waitFor("the hit", () -> table.getItems().size() == 1 && table.getItems().get(0).hits() == 1);
            Breakpoint b = table.getItems().get(0);
            assertThat(b.location()).isEqualTo("process_order");
            assertThat(b.enabled()).isTrue();
            assertThat(b.sourceLine()).hasValue("demo.c:" + firstStatementLine());
            waitFor("the stop at the hit", () -> !window.debug().running().get());
            assertThat(b.address().value()).isNotZero();

            robot.interact(() -> { table.requestFocus(); table.getSelectionModel().clearAndSelect(0); });
            robot.press(KeyCode.SPACE).release(KeyCode.SPACE);
            waitFor("disabled", () -> !table.getItems().get(0).enabled());
            robot.press(KeyCode.F5).release(KeyCode.F5);
            waitFor("running", () -> window.debug().running().get());
            long address = ordersDone(pid);
            long calls = counter(pid, address);
            waitFor("three calls of process_order to go by", () -> counter(pid, address) >= calls + 3);
            assertThat(window.debug().running().get()).isTrue();
            assertThat(table.getItems().get(0).hits()).isEqualTo(1);

            assertThat(table.getSelectionModel().getSelectedItems()).as("still selected after the change").hasSize(1);
            robot.interact(table::requestFocus);
            robot.press(KeyCode.DELETE).release(KeyCode.DELETE);
            waitFor("removed", () -> table.getItems().isEmpty());
            try (java.io.RandomAccessFile mem = new java.io.RandomAccessFile("/proc/" + pid + "/mem", "r")) {
                mem.seek(b.address().value());
                assertThat(mem.read()).as("the int3 is gone from the program").isNotEqualTo(0xcc);
            }
        } finally {
            robot.interact(() -> window.debug().kill());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aConditionChangesWhichHitStops(FxRobot robot) throws Exception {
        int pid = launchDemo(robot).pid().value();
        try {
            TableView<Breakpoint> table = breakOnProcessOrder(robot);
            waitFor("the first hit", () -> table.getItems().size() == 1 && table.getItems().get(0).hits() == 1 && !window.debug().running().get());
            long first = value("id");
            long hitsBefore = table.getItems().get(0).hits();

            robot.interact(() -> table.getSelectionModel().clearAndSelect(0));
            type(robot, "#breakpoint-condition", "id == " + (first + 3));
            robot.clickOn("#breakpoint-apply");
            waitFor("the condition in the row", () -> table.getItems().get(0).condition().equals(Optional.of("id == " + (first + 3))));
            robot.interact(() -> window.debug().cont());
            waitFor("the conditional stop", () -> window.status().text().contains("hit breakpoint 1") && !window.debug().running().get()
                    && table.getItems().get(0).hits() > hitsBefore);
            assertThat(value("id")).as("the call where the condition holds").isEqualTo(first + 3);
            assertThat(table.getItems().get(0).hits()).as("every call trapped, three ran on").isEqualTo(hitsBefore + 3);

            // A syntax error is refused in words, under the fields and in the row
            type(robot, "#breakpoint-condition", "id ==");
            robot.clickOn("#breakpoint-apply");
            Label error = robot.lookup("#breakpoint-error").query();
            waitFor("the refusal", () -> !error.getText().isEmpty());
            assertThat(error.getText()).contains("condition");
            assertThat(table.getItems().get(0).condition()).hasValue("id == " + (first + 3));

            // A name the program does not have: the hit stops with the evaluator's error in the row
            type(robot, "#breakpoint-condition", "no_such_variable == 1");
            robot.clickOn("#breakpoint-apply");
            waitFor("the new condition", () -> table.getItems().get(0).condition().equals(Optional.of("no_such_variable == 1")));
            robot.interact(() -> window.debug().cont());
            waitFor("the error in the row", () -> robot.lookup("#breakpoints-table .table-cell").queryAll().stream()
                    .anyMatch(c -> c instanceof javafx.scene.control.Labeled l && l.getText() != null && l.getText().contains("no_such_variable")
                            && l.getText().contains("condition '")));
            robot.interact(() -> screenshot(Path.of("target", "breakpoints-edit.png")));

            // A logpoint: prints each call's id and never stops
            type(robot, "#breakpoint-condition", "");
            type(robot, "#breakpoint-log", "order {id} quantity {quantity}");
            robot.clickOn("#breakpoint-apply");
            waitFor("the logpoint", () -> table.getItems().get(0).logpoint());
            robot.interact(() -> window.debug().cont());
            ListView<String> log = robot.lookup("#breakpoints-log").queryListView();
            waitFor("three messages", () -> log.getItems().size() >= 3);
            assertThat(window.debug().running().get()).as("a logpoint never stops").isTrue();
            String line = log.getItems().get(0);
            long id = Long.parseLong(line.replaceAll(".*order (\\d+) quantity.*", "$1"));
            long quantity = Long.parseLong(line.replaceAll(".*quantity (\\d+)$", "$1"));
            assertThat(quantity).as("demo.c calls process_order(id, id % 7 + 1)").isEqualTo(id % 7 + 1);
            robot.interact(() -> screenshot(Path.of("target", "breakpoints-logpoint.png")));
        } finally {
            robot.interact(() -> window.debug().kill());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
