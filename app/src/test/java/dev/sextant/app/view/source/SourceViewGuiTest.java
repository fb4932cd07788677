package dev.sextant.app.view.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.registers.RegisterRow;
import dev.sextant.app.view.registers.RegistersModel;
import dev.sextant.app.view.source.CurrentFrame;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * Frame selection and the Source view on the live demo: the breakpoint stop shows process_order's
 * line; picking frame 1 shows the caller's line and its registers as unwound (rip and rsp checked
 * against gdb's frame 1 on a core Sextant saves of the same stopped process); Ctrl+Up/Ctrl+Down and
 * Up/Down in the Call stack move the frame; a click in the gutter sets a breakpoint that is then hit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SourceViewGuiTest extends WindowTest {
    Optional<CurrentFrame.Selection> current() { return window.frames().current().get(); }

    String realLine(StackFrame f) throws Exception {
        Path file = Path.of(f.file().orElseThrow());
        if (!file.isAbsolute()) file = demoCacheDir().resolve(file);
        return Files.readAllLines(file).get(f.line().orElseThrow() - 1);
    }

    void assertSourceShows(StackFrame f) throws Exception {
        String expected = realLine(f);
        waitFor("the source view at " + f.sourceLine().orElse("?"), () -> window.sourceView().rendered().get() != null
                && window.sourceView().rendered().get().line() == f.line().orElse(-1)
                && window.sourceView().highlightedLineText().equals(Optional.of(expected)));
    }

    @Test void framesDriveSourceAndRegistersAndTheGutterSetsABreakpoint(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb"), "gdb is the reference for frame 1's registers");
        ProcessInfo p = launchDemo(robot);
        robot.interact(() -> window.debug().breakpoint("process_order"));
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the breakpoint stop and its stack", () -> !stack.getItems().isEmpty()
                && stack.getItems().get(0).function().startsWith("process_order") && current().flatMap(CurrentFrame.Selection::frame).isPresent());
        CurrentFrame.Selection stop = current().orElseThrow();
        assertThat(stop.index()).isZero();
        StackFrame f0 = stop.frame().orElseThrow();
        assertThat(f0.file().orElseThrow()).endsWith("demo.c");
        assertSourceShows(f0);
        assertThat(window.sourceView().rendered().get().title()).startsWith("Frame 0 · process_order · thread " + stop.tid());
        assertThat(window.sourceView().gutter().frameMarker(f0.line().getAsInt())).contains(true);

        // Frame 1, picked with the mouse: the caller's line, and its registers as unwound.
        robot.clickOn("Registers");
        // the row showing index 1 (rows are reused across stops: their order in the scene is not the index)
        robot.clickOn(robot.lookup("#stack-table .table-row-cell").match((TableRow<?> r) -> r.getIndex() == 1).<Node>query());
        waitFor("frame 1 current", () -> current().map(s -> s.index() == 1).orElse(false));
        StackFrame f1 = current().get().frame().orElseThrow();
        assertThat(f1.function()).contains("order_thread");
        assertSourceShows(f1);
        assertThat(realLine(f1)).contains("process_order(id");
        assertThat(window.sourceView().gutter().frameMarker(f0.line().getAsInt())).contains(false);
        assertThat(window.status().text()).contains("frame 1: order_thread at");
        TableView<RegisterRow> regs = robot.lookup("#registers-table").queryTableView();
        waitFor("frame 1's unwound registers", () -> regs.getItems().stream().anyMatch(r -> r.name().equals("rip")
                && r.hex().equals(String.format("0x%016x", f1.pc().value()))));
        Map<String, String> shown = regs.getItems().stream().collect(Collectors.toMap(RegisterRow::name, RegisterRow::hex));
        assertThat(shown.get("rax")).isEqualTo(RegistersModel.NOT_SAVED);
        assertThat(shown.get("rsp")).startsWith("0x");
        Path shot = Path.of("target", "source-frame1.png");
        robot.interact(() -> writeShot(shot));

        // gdb on a core of the same stopped process: frame 1 of the same thread has the same rip and rsp.
        Path core = dir.resolve("demo.core");
        engine.submit(new Command.SaveDump(new Command.DumpSource.Process(new Pid(p.pid().value())), core, List.of(), false, false, List.of()))
                .get(60, TimeUnit.SECONDS);
        Map<String, Long> gdb = gdbFrame1(demoCacheDir().resolve("sextant-demo"), core, stop.tid().value());
        assertThat(Long.parseUnsignedLong(shown.get("rip").substring(2), 16)).isEqualTo(gdb.get("rip"));
        assertThat(Long.parseUnsignedLong(shown.get("rsp").substring(2), 16)).isEqualTo(gdb.get("rsp"));

        // gdb's up and down, and Up/Down in the Call stack.
        robot.press(KeyCode.CONTROL, KeyCode.UP).release(KeyCode.UP, KeyCode.CONTROL);
        waitFor("Ctrl+Up to frame 2", () -> current().map(s -> s.index() == 2).orElse(false));
        assertThat(stack.getSelectionModel().getSelectedItem().index()).isEqualTo(2);
        robot.press(KeyCode.CONTROL, KeyCode.DOWN).release(KeyCode.DOWN, KeyCode.CONTROL);
        robot.press(KeyCode.CONTROL, KeyCode.DOWN).release(KeyCode.DOWN, KeyCode.CONTROL);
        waitFor("Ctrl+Down back to frame 0", () -> current().map(s -> s.index() == 0).orElse(false));
        assertSourceShows(f0);
        robot.interact(() -> stack.requestFocus());
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN);
        waitFor("Down in the Call stack to frame 1", () -> current().map(s -> s.index() == 1).orElse(false));
        robot.press(KeyCode.UP).release(KeyCode.UP);
        waitFor("Up in the Call stack to frame 0", () -> current().map(s -> s.index() == 0).orElse(false));
        waitFor("frame 0's registers again", () -> regs.getItems().stream().noneMatch(r -> r.hex().equals(RegistersModel.NOT_SAVED)));

        // A click in the gutter of "orders_done++;" sets a breakpoint there, which the next run hits.
        int target = lineOf(f0, "orders_done++;");
        // Source shares the centre area with the Call stack: bring its tab to the front to click its gutter.
        robot.interact(() -> window.workbench().select(window.workbench().tab("Source").orElseThrow()));
        robot.clickOn(robot.lookup("#gutter-" + target).<Node>query());
        waitFor("the breakpoint dot", () -> window.sourceView().gutter().hasBreakpoint(target));
        robot.interact(() -> window.debug().cont());
        waitFor("the gutter breakpoint hit", () -> window.status().text().contains("hit breakpoint 2")
                && current().flatMap(CurrentFrame.Selection::frame).map(f -> f.line().orElse(0) == target).orElse(false));
        assertSourceShows(current().get().frame().get());
        assertThat(window.sourceView().highlightedLineText()).hasValueSatisfying(t -> assertThat(t.strip()).isEqualTo("orders_done++;"));
        robot.interact(() -> writeShot(Path.of("target", "source-breakpoint.png")));
        robot.clickOn(robot.lookup("#gutter-" + target).<Node>query());
        waitFor("the breakpoint cleared", () -> !window.sourceView().gutter().hasBreakpoint(target));

        robot.interact(() -> window.debug().detach());
        waitFor("detach", () -> window.status().text().startsWith("Detached"));
        ProcessHandle.of(p.pid().value()).ifPresent(ProcessHandle::destroyForcibly);
    }

    int lineOf(StackFrame f, String text) throws Exception {
        Path file = Path.of(f.file().orElseThrow());
        List<String> lines = Files.readAllLines(file.isAbsolute() ? file : demoCacheDir().resolve(file));
        for (int i = f.line().getAsInt(); i < lines.size(); i++) if (lines.get(i - 1).strip().equals(text)) return i;
        throw new AssertionError("no line " + text);
    }

    void writeShot(Path png) {
        screenshot(png);
    }

    static Map<String, Long> gdbFrame1(Path exe, Path core, int tid) throws Exception {
        String select = "python [t.switch() for t in gdb.selected_inferior().threads() if t.ptid[1] == " + tid + "]";
        Tools.Result g = Tools.run(core.getParent(), 60, List.of("gdb", "-nx", "-batch", "-ex", select, "-ex", "frame 1",
                "-ex", "info registers rip rsp", exe.toString(), core.toString()));
        Map<String, Long> out = new java.util.HashMap<>();
        for (String line : g.stdout().lines().toList()) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 2 && (parts[0].equals("rip") || parts[0].equals("rsp"))) out.put(parts[0], Long.parseUnsignedLong(parts[1].substring(2), 16));
        }
        assertThat(out).as("gdb: %s %s", g.stdout(), g.stderr()).containsKeys("rip", "rsp");
        return out;
    }
}
