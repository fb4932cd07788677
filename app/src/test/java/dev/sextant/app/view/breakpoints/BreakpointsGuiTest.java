package dev.sextant.app.view.breakpoints;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/** The Breakpoints tab on the live demo: add by name, the hit counted, Space disables, Delete removes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BreakpointsGuiTest extends WindowTest {


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
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler for the demo");
        ProcessInfo p = launchDemo(robot);
        int pid = p.pid().value();
        try {
            waitFor("the demo to run", () -> window.debug().running().get());
            robot.clickOn("Breakpoints");
            robot.clickOn("#breakpoints-add").write("process_order").press(KeyCode.ENTER).release(KeyCode.ENTER);
            TableView<Breakpoint> table = robot.lookup("#breakpoints-table").queryTableView();
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
}
