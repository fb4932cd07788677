package dev.sextant.app.view.registers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.app.view.symbolstate.SymbolStateRow;
import dev.sextant.engine.api.ProcessInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/** The bundled demo launched from the window: a breakpoint stop, a step with changed registers, detach. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveDemoGuiTest extends WindowTest {
    @Test void breakpointStopStepAndDetach(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc");
        ProcessInfo p = launchDemo(robot);
        int pid = p.pid().value();
        TableView<SymbolStateRow> log = robot.lookup("#symbolstate-table").queryTableView();
        waitFor("a LOADS notification for the plugin", () -> log.getItems().stream()
                .anyMatch(r -> r.flags().equals("LOADS") && r.argument().contains("libsextant-demo-plugin.so")));

        // Running: the summary counts the threads the Threads table lists (not the one of the launch stop).
        TableView<dev.sextant.app.view.threads.ThreadRow> threads = robot.lookup("#threads-table").queryTableView();
        Label summaryThread = robot.lookup("#summary-thread").queryAs(Label.class);
        waitFor("the summary to count the running threads", () -> threads.getItems().size() > 1
                && summaryThread.getText().equals("— (running)   (" + threads.getItems().size() + " threads)"));

        robot.interact(() -> window.debug().breakpoint("process_order"));
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the breakpoint stop and its stack", () -> !stack.getItems().isEmpty()
                && stack.getItems().get(0).function().startsWith("process_order"));
        assertThat(window.status().text()).contains("hit breakpoint 1");
        // The summary follows the stop: the thread that hit the breakpoint (the demo's "orders" thread,
        // not the main thread the launch stopped in), why, and the threads there are now.
        waitFor("the threads after the stop", () -> threads.getItems().size() > 1 && threads.getItems().get(0).stopped());
        assertThat(threads.getItems().get(0).crashed()).as("a breakpoint stop is no crash").isFalse();
        String stoppedTid = String.valueOf(threads.getItems().get(0).tid());
        waitFor("the summary of the stop", () -> robot.lookup("#summary-thread").queryAs(Label.class).getText()
                .startsWith(stoppedTid + " \"orders\""));
        assertThat(stoppedTid).isNotEqualTo(String.valueOf(pid));
        assertThat(robot.lookup("#summary-thread").queryAs(Label.class).getText())
                .endsWith("(" + threads.getItems().size() + " threads)");
        assertThat(robot.lookup("#summary-signal").queryAs(Label.class).getText()).startsWith("breakpoint 1 at 0x");
        assertThat(robot.lookup("#summary-title").queryAs(Label.class).getText()).isEqualTo("Process " + pid + " (sextant-demo)");
        // The symbol handler the engine hosts for the process: the demo's frames loaded its symbols.
        TableView<dev.sextant.app.view.modules.ModuleRow> mods = robot.lookup("#modules-table").queryTableView();
        waitFor("the demo program's symbols loaded in the Modules table", () -> mods.getItems().stream()
                .anyMatch(r -> r.name().equals("sextant-demo") && r.symbolStatus().startsWith("loaded")));
        // one row per loaded module, although /proc/PID/maps and the dynamic linker both reported them
        var loaded = mods.getItems().stream().filter(r -> !r.symbols().equals("unloaded")).map(r -> r.base()).toList();
        assertThat(loaded).doesNotHaveDuplicates();
        assertThat(stack.getItems().get(0).source()).contains("demo.c:");

        robot.clickOn("Registers");
        TableView<RegisterRow> regs = robot.lookup("#registers-table").queryTableView();
        assertThat(regs.getItems().stream().limit(4).map(RegisterRow::name)).as("as gdb lists them").containsExactly("rax", "rbx", "rcx", "rdx");
        String ripBefore = regs.getItems().stream().filter(r -> r.name().equals("rip")).findFirst().orElseThrow().hex();
        robot.press(KeyCode.F10).release(KeyCode.F10);
        waitFor("the step to complete", () -> window.status().text().contains("stepped to"));
        waitFor("the summary of the step", () -> robot.lookup("#summary-signal").queryAs(Label.class).getText().startsWith("step, now at 0x"));
        waitFor("the registers after the step", () -> regs.getItems().stream()
                .anyMatch(r -> r.name().equals("rip") && !r.hex().equals(ripBefore)));
        assertThat(regs.getItems().stream().filter(RegisterRow::changed).map(RegisterRow::name)).contains("rip");

        robot.interact(() -> window.debug().detach());
        waitFor("detach", () -> window.status().text().startsWith("Detached"));
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        assertThat(status).contains("TracerPid:\t0");
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
