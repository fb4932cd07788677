package dev.sextant.app.view.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.symbollog.SymbolLogRow;
import dev.sextant.app.view.symbolstate.SymbolStateRow;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * A long live session: the demo runs under the debugger, its plugin dlopen'ed and dlclose'd every
 * second, for {@code -Dsextant.longRun.seconds} (120 by default: the two minutes the issue asks
 * for, in every CI run). Modules stay
 * bounded, the symbol load log has a row per load of the plugin, and, from 5 s after the plugin's
 * first load on, the FX thread never spends more than 50 ms of CPU in one pulse (measured per pulse with an {@link AnimationTimer}: its CPU
 * time between two pulses, which is what the thread did in between; wall gaps on a shared machine
 * include waiting for a CPU and are printed, not judged).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LongDemoSessionGuiTest extends WindowTest {

    /**
     * The first seconds after the plugin's first load are not judged: views that show their first
     * rows then (Disassembly, Symbol state, Modules) load their classes and build their first cells'
     * CSS on the FX thread, once, 60–100 ms in one pulse here. Printed, not judged.
     */
    static final long WARM_UP_NANOS = 5_000_000_000L;

    @Test void modulesStayBoundedTheLogHasARowPerLoadAndPulsesStayShort(FxRobot robot) throws Exception {
        int seconds = Integer.getInteger("sextant.longRun.seconds", 120);
        var p = launchDemo(robot);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong longestCpu = new AtomicLong(), longestWall = new AtomicLong(), pulses = new AtomicLong(), warmUpCpu = new AtomicLong();
        long[] last = {0, 0};
        java.util.List<String> slow = new java.util.concurrent.CopyOnWriteArrayList<>();   // pulses over 25 ms of CPU: when, how long
        long[] t0 = {0};      // the timer's start: the plugin's first load
        AnimationTimer timer = new AnimationTimer() {
            @Override public void handle(long now) {
                long cpu = mx.getCurrentThreadCpuTime(), wall = System.nanoTime();
                if (last[0] != 0 && wall - t0[0] < WARM_UP_NANOS) {
                    warmUpCpu.accumulateAndGet(cpu - last[0], Math::max);
                } else if (last[0] != 0) {
                    longestCpu.accumulateAndGet(cpu - last[0], Math::max);
                    longestWall.accumulateAndGet(wall - last[1], Math::max);
                    if (cpu - last[0] > 25_000_000L && slow.size() < 20) {
                        slow.add(String.format("%.1f s: %.1f ms CPU, %.1f ms wall", (wall - t0[0]) / 1e9, (cpu - last[0]) / 1e6, (wall - last[1]) / 1e6));
                    }
                }
                last[0] = cpu;
                last[1] = wall;
                pulses.incrementAndGet();
            }
        };
        try {
            TableView<ModuleRow> modules = robot.lookup("#modules-table").queryTableView();
            TableView<SymbolLogRow> log = robot.lookup("#symbollog-table").queryTableView();
            TableView<SymbolStateRow> state = robot.lookup("#symbolstate-table").queryTableView();
            waitFor("the demo to run", () -> window.debug().running().get());
            // Pulses are judged from the first dlopen of the plugin on: before it, the window's first
            // population (every view's first rows and their CSS) is start-up, not the long session.
            waitFor("the plugin's first load", () -> modules.getItems().stream().anyMatch(r -> r.name().contains("libsextant-demo-plugin")));
            robot.interact(() -> {
                t0[0] = System.nanoTime();
                timer.start();
            });
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            int most = 0;
            while (System.nanoTime() < end) {
                int[] n = new int[1];
                robot.interact(() -> n[0] = modules.getItems().size());
                most = Math.max(most, n[0]);
                Thread.sleep(250);                // sampling the table's size, not synchronising with it
            }
            robot.interact(timer::stop);
            long loads = state.getItems().stream().filter(r -> r.flags().equals("LOADS") && r.argument().contains("libsextant-demo-plugin")).count();
            long pluginRows = modules.getItems().stream().filter(r -> r.name().contains("libsextant-demo-plugin")).count();
            long logRows = log.getItems().stream().filter(r -> r.module().contains("libsextant-demo-plugin") && r.text().startsWith("module loaded"))
                    .count();
            System.out.printf("long session: %d s, %d plugin loads, %d module rows at most, %d plugin rows, %d log rows for the plugin,"
                    + " %d pulses, longest FX CPU per pulse %.1f ms, longest wall gap %.1f ms%n", seconds, loads, most, pluginRows, logRows,
                    pulses.get(), longestCpu.get() / 1e6, longestWall.get() / 1e6);
            System.out.println("pulses over 25 ms of FX CPU: " + slow + "; longest FX CPU in the first 5 s (not judged): "
                    + warmUpCpu.get() / 1_000_000 + " ms");
            assertThat(loads).as("the plugin was loaded about once a second").isGreaterThanOrEqualTo(seconds / 3);
            assertThat(pluginRows).as("one row for the plugin, loaded or unloaded, however often it was loaded").isEqualTo(1);
            assertThat(most).as("module rows").isLessThan(20 + ModulesModel.UNLOADED_LIMIT);
            assertThat(logRows).as("a symbol load log row per load of the plugin").isGreaterThanOrEqualTo(loads - 2).isPositive();
            assertThat(longestCpu.get() / 1_000_000).as("FX thread CPU in one pulse, ms; over 25 ms: " + slow).isLessThanOrEqualTo(50);
        } finally {
            robot.interact(timer::stop);
            robot.interact(() -> window.debug().kill());
            ProcessHandle.of(p.pid().value()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
