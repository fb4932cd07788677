package dev.sextant.app.view.disassembly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.source.CurrentFrame;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.Node;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Disassembly view on the live demo: it shows the stopped pc (as /proc tells it) among
 * instructions that objdump lists the same way; F10 in it steps one instruction (and over a call,
 * landing after it); a click in its gutter sets a breakpoint that is then hit; Ctrl+F10 runs to the
 * selected row, and to a Source line.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DisassemblyGuiTest extends WindowTest {
    Optional<CurrentFrame.Selection> current() { return window.frames().current().get(); }

    StackFrame frame0() { return current().flatMap(CurrentFrame.Selection::frame).orElseThrow(); }

    /** Whether there is a current frame (none between a stop and its stack) and it matches. */
    boolean frame0(java.util.function.Predicate<StackFrame> p) { return current().flatMap(CurrentFrame.Selection::frame).map(p::test).orElse(false); }

    DisassemblyView view() { return window.disassemblyView(); }

    /** The selected row's instruction, which the view selects at each stop: its pc. */
    Optional<Instruction> selected() {
        CodeLine l = view().list().getSelectionModel().getSelectedItem();
        return l instanceof CodeLine.Code c ? Optional.of(c.instruction()) : Optional.empty();
    }

    /** The instruction whose row is highlighted as the current pc. */
    Optional<Long> highlighted() {
        for (Node n : view().list().lookupAll(".list-cell")) {
            // the list keeps spare cells out of sight, with what they showed last: only the visible ones count
            if (shown(n) && n.getPseudoClassStates().stream().anyMatch(p -> p.getPseudoClassName().equals("current-pc")) && n.getId() != null) {
                return Optional.of(Long.parseUnsignedLong(n.getId().substring("disasm-".length()), 16));
            }
        }
        return Optional.empty();
    }

    /** Visible with every parent (the list measures rows in a hidden cell of its own). */
    static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) if (!p.isVisible()) return false;
        return true;
    }

    /** The pc of a stopped thread as the kernel shows a tracer ({@code /proc/PID/task/TID/syscall}: "-1 SP PC"). */
    static long procPc(int pid, int tid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/task/" + tid + "/syscall")).strip().split(" ");
        return Long.decode(f[f.length - 1]);
    }

    /** The demo (launched) stopped at a breakpoint on process_order, the breakpoint's stop the current frame. */
    void stopInProcessOrder(FxRobot robot) throws Exception {
        robot.interact(() -> window.debug().breakpoint("process_order"));
        waitFor("the breakpoint stop", () -> current().flatMap(CurrentFrame.Selection::frame)
                .map(f -> f.function().equals(Optional.of("process_order"))).orElse(false));
    }

    void waitShowing(long pc) throws Exception {
        waitFor("the Disassembly at " + Address.of(pc), () -> selected().map(i -> i.address().value() == pc).orElse(false)
                && view().highlightedAddress().equals(Optional.of(pc)));
    }

    @Test void followsStepsSetsBreakpointsAndRunsToCursor(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("objdump"), "objdump (the reference) is not installed");
        int pid = launchDemo(robot).pid().value();
        try {
            stopInProcessOrder(robot);
            robot.interact(() -> window.workbench().select(window.workbench().tab("Disassembly").orElseThrow()));
            int tid = current().get().tid().value();
            long pc = frame0().pc().value();
            assertThat(procPc(pid, tid)).as("/proc's pc").isEqualTo(pc);
            waitShowing(pc);
            waitFor("the highlighted row drawn", () -> highlighted().equals(Optional.of(pc)));
            assertThat(view().list().getItems()).anySatisfy(l -> assertThat(l).isInstanceOfSatisfying(CodeLine.Header.class,
                    h -> assertThat(h.source()).endsWith("demo.c:" + frame0().line().getAsInt())));
            agreesWithObjdump(pid);
            robot.interact(() -> screenshot(Path.of("target", "disassembly-stopped.png")));

            // F10 in the Disassembly: one instruction
            Instruction at = selected().orElseThrow();
            robot.interact(() -> view().list().requestFocus());
            robot.press(KeyCode.F10).release(KeyCode.F10);
            long next = at.address().value() + at.length();
            waitShowing(next);
            assertThat(procPc(pid, tid)).isEqualTo(next);

            // A breakpoint from the gutter, on the instruction that stores orders_done, then hit.
            Instruction store = view().list().getItems().stream().filter(l -> l instanceof CodeLine.Code c
                    && c.instruction().targetName().map(n -> n.startsWith("orders_done")).orElse(false)
                    && c.instruction().operands().startsWith("QWORD PTR [rip")).map(l -> ((CodeLine.Code) l).instruction())
                    .reduce((a, b) -> b).orElseThrow();
            // Scrolled to an end, the listing reads more code and its rows move: click once they are still.
            int[] rows = {-1};
            while (rows[0] != view().list().getItems().size()) {
                rows[0] = view().list().getItems().size();
                robot.interact(() -> view().list().scrollTo(view().list().getItems().indexOf(new CodeLine.Code(store))));
                WaitForAsyncUtils.waitForFxEvents();
                waitFor("the listing settled", () -> view().settled());
                WaitForAsyncUtils.waitForFxEvents();
            }
            // The drawn cell that shows the store now (the list reuses cells: an id may linger on a spare one).
            Node cell = view().list().lookupAll(".list-cell").stream()
                    .filter(n -> shown(n) && n instanceof ListCell<?> c && new CodeLine.Code(store).equals(c.getItem())).findFirst().orElseThrow();
            robot.clickOn(cell.lookup(".gutter"));
            waitFor("the breakpoint dot", () -> view().list().lookupAll(".gutter-breakpoint").stream().anyMatch(Node::isVisible));
            robot.interact(() -> window.debug().cont());
            waitShowing(store.address().value());
            assertThat(procPc(pid, current().get().tid().value())).isEqualTo(store.address().value());
            assertThat(window.status().text()).contains("hit breakpoint 2");

            // Out to order_thread, then over the call of pause_ms: it lands after the call
            robot.interact(() -> window.debug().stepOut());
            waitFor("back in order_thread", () -> current().flatMap(CurrentFrame.Selection::frame)
                    .map(f -> f.function().equals(Optional.of("order_thread"))).orElse(false) && !window.debug().running().get());
            Instruction call = null;
            for (int n = 0; n < 80 && call == null; n++) {
                waitShowing(frame0().pc().value());
                Instruction i = selected().orElseThrow();
                if (i.mnemonic().equals("call") && i.targetName().equals(Optional.of("pause_ms"))) { call = i; break; }
                long before = frame0().pc().value();
                robot.interact(() -> view().list().requestFocus());
                robot.press(KeyCode.F10).release(KeyCode.F10);
                waitFor("a step", () -> !window.debug().running().get() && frame0(f -> f.pc().value() != before));
            }
            assertThat(call).as("a call of pause_ms").isNotNull();
            robot.interact(() -> view().list().requestFocus());
            robot.press(KeyCode.F10).release(KeyCode.F10);
            long after = call.address().value() + call.length();
            waitShowing(after);
            assertThat(frame0().function()).hasValue("order_thread");
            assertThat(procPc(pid, tid)).isEqualTo(after);
            robot.interact(() -> screenshot(Path.of("target", "disassembly-after-call.png")));

            // Run to cursor from a Disassembly row: the same call, one round of the loop later (the breakpoints gone first)
            engine.submit(new Command.RemoveBreakpoint(1)).get(30, TimeUnit.SECONDS);
            engine.submit(new Command.RemoveBreakpoint(2)).get(30, TimeUnit.SECONDS);
            int row = view().list().getItems().indexOf(new CodeLine.Code(call));
            robot.interact(() -> { view().list().getSelectionModel().clearAndSelect(row); view().list().requestFocus(); });
            robot.press(KeyCode.CONTROL, KeyCode.F10).release(KeyCode.F10, KeyCode.CONTROL);
            waitShowing(call.address().value());
            assertThat(procPc(pid, tid)).isEqualTo(call.address().value());
        } finally {
            robot.interact(() -> window.debug().kill());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test void runToASourceLineThenSetTheNextStatementInTheDisassembly(FxRobot robot) throws Exception {
        int pid = launchDemo(robot).pid().value();
        try {
            stopInProcessOrder(robot);
            int tid = current().get().tid().value();
            engine.submit(new Command.RemoveBreakpoint(1)).get(30, TimeUnit.SECONDS);
            int entryLine = frame0().line().getAsInt();
            Path file = Path.of(frame0().file().orElseThrow());
            List<String> lines = Files.readAllLines(file.isAbsolute() ? file : demoCacheDir().resolve(file));
            int target = entryLine;
            while (!lines.get(target - 1).strip().equals("orders_done++;")) target++;
            int line = target;

            // Ctrl+F10 on a Source line: the thread runs there and stops
            robot.interact(() -> window.workbench().select(window.workbench().tab("Source").orElseThrow()));
            waitFor("the source", () -> window.sourceView().highlightedLineText().isPresent());
            robot.interact(() -> { window.sourceView().area().requestFocus(); window.sourceView().area().moveTo(line - 1, 0); });
            robot.press(KeyCode.CONTROL, KeyCode.F10).release(KeyCode.F10, KeyCode.CONTROL);
            waitFor("the stop on line " + line, () -> !window.debug().running().get()
                    && frame0(f -> f.line().orElse(0) == line && f.function().equals(Optional.of("process_order"))));
            assertThat(procPc(pid, tid)).isEqualTo(frame0().pc().value());

            // Ctrl+Shift+F10 on the function's first line in the Disassembly: asked, then the pc moves there
            robot.interact(() -> window.workbench().select(window.workbench().tab("Disassembly").orElseThrow()));
            waitShowing(frame0().pc().value());
            List<CodeLine> rows = view().list().getItems();
            int header = 0;
            while (!(rows.get(header) instanceof CodeLine.Header h && h.source().endsWith(":" + entryLine))) header++;
            CodeLine.Code first = (CodeLine.Code) rows.get(header + 1);
            int row = header + 1;
            robot.interact(() -> { view().list().getSelectionModel().clearAndSelect(row); view().list().requestFocus(); });
            robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.F10).release(KeyCode.F10, KeyCode.SHIFT, KeyCode.CONTROL);
            waitFor("the question", () -> robot.lookup("#set-next-dialog").tryQuery().isPresent());
            robot.clickOn(robot.lookup("#set-next-dialog .button").match((javafx.scene.control.Button b) -> b.getText().equals("OK"))
                    .<Node>query());
            waitShowing(first.address());
            assertThat(procPc(pid, tid)).isEqualTo(first.address());
            assertThat(frame0().line()).hasValue(entryLine);
        } finally {
            robot.interact(() -> window.debug().kill());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test void showsACoresCrashingInstruction(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("objdump"), "objdump (the reference) is not installed");
        List<Path> demo = demoCore();
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<DumpReport>> opened = new java.util.concurrent.atomic.AtomicReference<>();
        robot.interact(() -> opened.set(window.open(demo.get(0), Optional.of(demo.get(1)), Optional.empty())));
        DumpReport report = opened.get().get(90, TimeUnit.SECONDS);
        ThreadStack crashed = report.stacks().stream().filter(s -> report.threads().stream()
                .anyMatch(t -> t.crashed() && t.tid().equals(s.tid()))).findFirst().orElseThrow();
        long pc = crashed.frames().get(0).pc().value();
        robot.interact(() -> window.frames().selectThread(crashed.tid()));
        robot.interact(() -> window.workbench().select(window.workbench().tab("Disassembly").orElseThrow()));
        waitShowing(pc);
        Instruction at = selected().orElseThrow();
        assertThat(at.location().orElse("")).startsWith(crashed.frames().stream().filter(f -> !f.inline()).findFirst()
                .flatMap(StackFrame::function).orElseThrow());
        long base = report.modules().stream().filter(m -> m.path().endsWith("/" + demo.get(1).getFileName())).findFirst()
                .orElseThrow().base().value();
        agreesWithObjdump(demo.get(1), base);
        robot.interact(() -> screenshot(Path.of("target", "disassembly-core.png")));

        // Up on the first row and Down on the last read the code before and after the function
        long firstBefore = firstAddress(), lastBefore = lastAddress();
        robot.interact(() -> { view().list().requestFocus(); view().list().getSelectionModel().clearAndSelect(0); view().list().getFocusModel().focus(0); });
        robot.press(KeyCode.UP).release(KeyCode.UP);
        waitFor("the code before", () -> Long.compareUnsigned(firstAddress(), firstBefore) < 0);
        int last = view().list().getItems().size() - 1;
        robot.interact(() -> { view().list().getSelectionModel().clearAndSelect(last); view().list().getFocusModel().focus(last); });
        robot.press(KeyCode.DOWN).release(KeyCode.DOWN);
        waitFor("the code after", () -> Long.compareUnsigned(lastAddress(), lastBefore) > 0);
        agreesWithObjdump(demo.get(1), base);
    }

    /** Whether an instruction objdump lists covers {@code file} (then ours should start where it does). */
    static boolean coveredByObjdump(java.util.Map<Long, Integer> sizes, long file) {
        for (int k = 1; k < 16; k++) {
            Integer size = sizes.get(file - k);
            if (size != null && size > k) return true;
        }
        return false;
    }

    long firstAddress() {
        return view().list().getItems().stream().filter(l -> l instanceof CodeLine.Code).map(l -> ((CodeLine.Code) l).address()).findFirst().orElseThrow();
    }

    long lastAddress() {
        return view().list().getItems().stream().filter(l -> l instanceof CodeLine.Code).map(l -> ((CodeLine.Code) l).address()).reduce((a, b) -> b).orElseThrow();
    }

    /** Every listed instruction is where objdump -d -M intel puts one in the demo's file, with its mnemonic. */
    void agreesWithObjdump(int pid) throws Exception {
        Path exe = demoCacheDir().resolve("sextant-demo");
        long base = Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream().filter(l -> l.endsWith(exe.toString()))
                .map(l -> Long.parseUnsignedLong(l.substring(0, l.indexOf('-')), 16)).findFirst().orElseThrow();
        agreesWithObjdump(exe, base);
    }

    void agreesWithObjdump(Path exe, long base) throws Exception {
        Tools.Result r = Tools.run(exe.getParent(), 60, List.of("objdump", "-d", "-M", "intel", "--insn-width=16", exe.toString()));
        java.util.Map<Long, String> theirs = new java.util.HashMap<>();
        java.util.Map<Long, Integer> sizes = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*\\t(\\S+)").matcher(r.stdout());
        while (m.find()) {
            theirs.put(Long.parseUnsignedLong(m.group(1), 16), m.group(3));
            sizes.put(Long.parseUnsignedLong(m.group(1), 16), m.group(2).split(" ").length);
        }
        List<String> wrong = new ArrayList<>();
        long lastListed = theirs.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        int checked = 0;
        for (CodeLine l : view().list().getItems()) {
            if (!(l instanceof CodeLine.Code c)) continue;
            long file = c.address() - base;
            if (file > lastListed) continue;         // past the executable sections objdump -d lists (data read as code)
            String ref = theirs.get(file);
            if (ref == null && !coveredByObjdump(sizes, file)) continue;     // padding between sections: objdump lists none
            String mnemonic = c.instruction().mnemonic().split(" ")[0];     // "lock add": objdump's first word is the prefix
            if (ref == null || !ref.equals(mnemonic)) wrong.add(Long.toHexString(file) + " ours " + c.instruction().mnemonic() + " objdump " + ref);
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
        assertThat(wrong).as("instructions objdump does not list so").isEmpty();
    }
}
