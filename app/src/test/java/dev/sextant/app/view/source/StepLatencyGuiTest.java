package dev.sextant.app.view.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.source.CurrentFrame;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.engine.api.ProcessInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.beans.Observable;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * Issue 17's figure: F10 in the window, from the key to the last view's update (Source, Call stack,
 * Registers; a view that lands later adds itself to {@link #views}), over many steps in the demo's
 * process_order (a step that leaves it continues to the breakpoint first, unmeasured, so that the
 * figure is the debugger's and not the demo's 200 ms sleep). Each view's last change after the key
 * is timed on the FX thread when every view shows the new stop. {@code -Dsextant.f10.steps=100}
 * (bench/f10-step.sh) measures 100 steps and requires a median of 50 ms at most; the default 20
 * steps are a test of the harness (every view reaches every stop), whose figure is only reported.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class StepLatencyGuiTest extends WindowTest {
    private volatile long keyAt, keyCpu, stoppedAt, walkedAt, fxThread;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private final Map<String, long[]> lastChange = new LinkedHashMap<>();

    /** The views whose update ends a step: name to what changes when it shows a new stop. */
    Map<String, Observable> views(FxRobot robot) {
        Map<String, Observable> v = new LinkedHashMap<>();
        v.put("source", window.sourceView().rendered());
        v.put("stack", robot.lookup("#stack-table").queryTableView().getItems());
        v.put("registers", robot.lookup("#registers-table").queryTableView().getItems());
        v.put("variables", robot.lookup("#variables").queryAs(TreeTableView.class).getRoot().getChildren());
        return v;
    }

    Optional<CurrentFrame.Selection> current() { return window.frames().current().get(); }

    boolean settled(long stopBefore, TableView<FrameRow> stack) {
        Optional<CurrentFrame.Selection> s = current();
        if (s.isEmpty() || s.get().stopId() <= stopBefore || s.get().frames().isEmpty() || window.debug().running().get()) return false;
        var shown = window.sourceView().rendered().get();
        return shown != null && shown.stopId() == s.get().stopId() && shown.text().isPresent()
                && !stack.getItems().isEmpty() && stack.getItems().get(0).pc().equals(s.get().frames().get(0).pc().toString())
                && lastChange.values().stream().allMatch(t -> t[0] >= keyAt);
    }

    @Test void stepOverUpdatesEveryView(FxRobot robot) throws Exception {
        int steps = Integer.getInteger("sextant.f10.steps", 20);
        ProcessInfo demo = launchDemo(robot);
        robot.interact(() -> window.debug().breakpoint("process_order"));
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the breakpoint stop", () -> !stack.getItems().isEmpty() && stack.getItems().get(0).function().startsWith("process_order")
                && window.sourceView().rendered().get().text().isPresent());
        // Where the time goes: the engine's stop (the step itself) and its last stack walk, on the engine thread.
        engine.addListener(e -> {
            if (e instanceof dev.sextant.engine.api.DebugEvent.ProcessStopped) stoppedAt = System.nanoTime();
            else if (e instanceof dev.sextant.engine.api.DebugEvent.StackWalked) walkedAt = System.nanoTime();
        });
        robot.interact(() -> {
            fxThread = Thread.currentThread().getId();
            views(robot).forEach((name, o) -> {
                long[] t = {0};
                lastChange.put(name, t);
                o.addListener(x -> t[0] = System.nanoTime());
            });
            window.stage().getScene().addEventFilter(KeyEvent.KEY_PRESSED, e -> {
                if (e.getCode() == KeyCode.F10) {
                    keyAt = System.nanoTime();
                    keyCpu = CPU.getCurrentThreadCpuTime();
                }
            });
        });
        robot.clickOn("Registers");
        robot.clickOn("Variables");
        List<Long> micros = new ArrayList<>(), cpuMicros = new ArrayList<>(), stepMicros = new ArrayList<>(), walkMicros = new ArrayList<>();
        while (micros.size() < steps) {
            if (!current().flatMap(CurrentFrame.Selection::frame).flatMap(f -> f.function()).orElse("").equals("process_order")) {
                long before = current().map(CurrentFrame.Selection::stopId).orElse(-1L);
                robot.interact(() -> window.debug().cont());
                waitFor("the breakpoint again", () -> current().map(s -> s.stopId() > before).orElse(false) && settledAtBreakpoint(stack));
                continue;
            }
            long before = current().orElseThrow().stopId();
            robot.press(KeyCode.F10).release(KeyCode.F10);
            waitFor("step " + micros.size(), () -> settled(before, stack));
            long last = lastChange.values().stream().mapToLong(t -> t[0]).max().orElseThrow();
            micros.add((last - keyAt) / 1000);
            // The FX thread's CPU from the key to every view settled (load-independent, unlike the wall
            // time): read once the condition held, so it may include a few idle pulses' worth.
            cpuMicros.add((CPU.getThreadCpuTime(fxThread) - keyCpu) / 1000);
            stepMicros.add((stoppedAt - keyAt) / 1000);
            walkMicros.add((walkedAt - stoppedAt) / 1000);
        }
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        double median = sorted[(sorted.length - 1) / 2] / 1000.0, p90 = sorted[(int) (sorted.length * 0.9) - 1] / 1000.0;
        String report = String.format("F10 to the last view's update (%s) over %d steps: median %.1f ms, p90 %.1f ms, max %.1f ms, min %.1f ms%n",
                String.join(", ", lastChange.keySet()), steps, median, p90, sorted[sorted.length - 1] / 1000.0, sorted[0] / 1000.0);
        report += String.format("  of which: key to the engine's stop (the step) median %.1f ms; the stop to the last stack walked median %.1f ms;"
                + " the rest is the FX thread's; load average %s%n", medianMs(stepMicros), medianMs(walkMicros), loadAverage());
        report += String.format("  FX thread CPU from the key to every view settled: median %.1f ms, p90 %.1f ms%n", medianMs(cpuMicros), p90Ms(cpuMicros));
        System.out.print(report);
        Files.writeString(Path.of("target", "f10-latency.txt"), report + "all (us): " + Arrays.toString(micros.toArray()) + "\n");
        robot.interact(() -> window.debug().detach());
        waitFor("detach", () -> window.status().text().startsWith("Detached"));
        ProcessHandle.of(demo.pid().value()).ifPresent(ProcessHandle::destroyForcibly); // detached, it would run on
        // Every step was seen through to every view (the waits above); the bound is the bench's (100 steps),
        // since a shared machine's load decides the wall time of a short run.
        assertThat(micros).hasSize(steps).allSatisfy(us -> assertThat(us).isPositive());
        if (steps >= 100) assertThat(median).as(report).isLessThanOrEqualTo(50.0);
    }

    static double medianMs(List<Long> us) {
        long[] s = us.stream().mapToLong(Long::longValue).sorted().toArray();
        return s[(s.length - 1) / 2] / 1000.0;
    }

    static double p90Ms(List<Long> us) {
        long[] s = us.stream().mapToLong(Long::longValue).sorted().toArray();
        return s[(int) (s.length * 0.9) - 1] / 1000.0;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private boolean settledAtBreakpoint(TableView<FrameRow> stack) {
        var shown = window.sourceView().rendered().get();
        return current().isPresent() && shown != null && shown.stopId() == current().get().stopId() && shown.text().isPresent()
                && !stack.getItems().isEmpty() && stack.getItems().get(0).function().startsWith("process_order");
    }
}
