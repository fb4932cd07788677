package dev.sextant.app.view.parallel;

import static dev.sextant.app.PulseClock.gaps;
import static dev.sextant.app.PulseClock.max;
import static dev.sextant.app.PulseClock.pct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.PulseClock;
import dev.sextant.app.WindowTest;
import dev.sextant.app.view.threads.ThreadRow;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeTableView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Issue 21's scale figure (bench/many-threads-window.sh runs it with {@code -Dsextant.bench=true}): a
 * synthetic core of {@code sextant.bench.threads} threads (default 100,000; bench/manycore.py
 * copies the threads of a real core of the groups program) opened in the real window, headless.
 * Measured: the time from the open to the Parallel stacks tree shown (the engine's groups
 * applied) and to the Threads table's last row; the FX thread's CPU time per pulse (an
 * AnimationTimer: batches, CSS, layout, rendering) and per event batch, the longest of each.
 * Prints and writes target/many-threads.txt.
 */
@Timeout(value = 1200, unit = TimeUnit.SECONDS)
class ManyThreadsBench extends WindowTest {
    @Test void manyThreadsGroupedWithoutLongPulses(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("sextant.bench"), "a benchmark: run with -Dsextant.bench=true (bench/many-threads-window.sh)");
        Assumptions.assumeTrue(Tools.onPath("python3"), "needs python3 for bench/manycore.py");
        int threads = Integer.getInteger("sextant.bench.threads", 100_000);
        // bench/many-threads-window.sh makes the core (and times the reference on it); alone, the test makes its own.
        Path exe, core;
        if (System.getProperty("sextant.bench.core") != null) {
            core = Path.of(System.getProperty("sextant.bench.core"));
            exe = Path.of(System.getProperty("sextant.bench.exe"));
        } else {
            exe = NativePrograms.compile("groups", dir);
            Path real = NativePrograms.coreOf(exe, dir, "10");
            Path script = Path.of("..", "bench", "manycore.py").toAbsolutePath().normalize();
            core = dir.resolve("core-many");
            Tools.Result made = Tools.run(dir, 300, List.of("python3", script.toString(), real.toString(), core.toString(), Integer.toString(threads)));
            assertThat(made.exit()).as(made.stderr()).isZero();
        }

        PulseClock clock = new PulseClock(400_000);
        long[] wall = clock.wall, cpu = clock.cpu;
        int[] n = clock.n;
        robot.interact(() -> {
            window.workbench().select(window.workbench().tab("Parallel stacks").orElseThrow());
            window.bridge().recordDrainTimes(1_000_000);
            clock.start();
        });
        TreeTableView<StackNode> tree = window.parallelStacks().tree();
        TableView<ThreadRow> table = robot.lookup("#threads-table").queryTableView();
        long[] groupedAt = {0}, rowsAt = {0}, cpuAtGrouped = {0, 0};
        long cpu0 = cpuMs(ProcessHandle.current().pid()), engineCpu0 = engineCpuMs();
        robot.interact(() -> tree.rootProperty().addListener((o, a, r) -> {
            if (r != null && !r.getChildren().isEmpty() && groupedAt[0] == 0) {
                groupedAt[0] = System.nanoTime();
                cpuAtGrouped[0] = cpuMs(ProcessHandle.current().pid());
                cpuAtGrouped[1] = engineCpuMs();
            }
        }));
        AtomicReference<CompletableFuture<DumpReport>> opened = new AtomicReference<>();
        int start = n[0];
        long t0 = System.nanoTime();
        robot.interact(() -> opened.set(window.open(core, Optional.of(exe), Optional.empty())));
        DumpReport report = opened.get().get(900, TimeUnit.SECONDS);
        long engineMs = (System.nanoTime() - t0) / 1_000_000;
        WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS, () -> groupedAt[0] != 0);
        WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS, () -> table.getItems().size() == threads
                && table.getItems().stream().allMatch(r -> r.frames() > 0));
        rowsAt[0] = System.nanoTime();
        long cpuRows = cpuMs(ProcessHandle.current().pid()), engineRows = engineCpuMs();
        WaitForAsyncUtils.waitForFxEvents();
        int[] end = new int[1];
        AtomicReference<long[]> drains = new AtomicReference<>();
        robot.interact(() -> {
            end[0] = n[0];
            clock.stop();
            drains.set(window.bridge().drainTimes());
        });
        long[] cpuGaps = gaps(cpu, start, end[0]), wallGaps = gaps(wall, start, end[0]);
        long[] d = drains.get();
        String figures = String.format(Locale.ROOT,
                "MANY-THREADS threads=%d groups=%d | open to grouped view: %.2f s, to the engine's answer: %.2f s, to every Threads row: %.2f s"
                        + " | FX CPU per pulse: max %.1f ms, p99 %.1f ms, median %.2f ms over %d pulses | event batches (FX CPU): %d, max %.1f ms"
                        + " | pulse gaps (wall): max %.1f ms | loadavg %s"
                        + " | CPU to grouped view: window JVM %d ms, engine process %d ms; to every row: window %d ms, engine %d ms",
                report.threads().size(), tree.getRoot().getChildren().size(), (groupedAt[0] - t0) / 1e9, engineMs / 1e3, (rowsAt[0] - t0) / 1e9,
                max(cpuGaps) / 1e6, pct(cpuGaps, 99) / 1e6, pct(cpuGaps, 50) / 1e6, cpuGaps.length, d.length, max(d) / 1e6,
                max(wallGaps) / 1e6, Files.readString(Path.of("/proc/loadavg")).split(" ")[0],
                cpuAtGrouped[0] - cpu0, cpuAtGrouped[1] - engineCpu0, cpuRows - cpu0, engineRows - engineCpu0);
        // With -Dsextant.debug.batches=FILE (FxEventBridge appends its long batches there): the long pulses too, on the same clock.
        if (System.getProperty("sextant.debug.batches") != null) {
            StringBuilder sb = new StringBuilder("t0 " + t0 / 1_000_000 + "\n");
            for (int i = start + 1; i < end[0]; i++) {
                long g = cpu[i] - cpu[i - 1];
                if (g > 20_000_000) sb.append("pulse ending ").append(wall[i] / 1_000_000).append(" cpu ").append(g / 1_000_000).append("ms\n");
            }
            Files.writeString(Path.of(System.getProperty("sextant.debug.batches")), sb, java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.CREATE);
        }
        System.out.println(figures);
        Files.writeString(Path.of("target", "many-threads.txt"), figures + "\n");
        assertThat(report.threads()).hasSize(threads);
        assertThat(tree.getRoot().getChildren().stream().mapToInt(i -> i.getValue().count()).sum()).isEqualTo(threads);
    }

    /** The engine process's CPU time (user + system) so far, in ms. */
    private long engineCpuMs() {
        return window.engine() instanceof dev.sextant.engine.session.remote.SupervisedEngine e ? cpuMs(e.current().pid()) : 0;
    }

    /** A process's CPU time (user + system, all its threads) so far, in ms, from /proc. */
    static long cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;   // utime, stime in clock ticks of 10 ms
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
