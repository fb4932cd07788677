package dev.sextant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.engine.api.DumpReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * Issue 20's second figure as the issue words it (bench/crashes.sh runs it with
 * {@code -Dsextant.bench=true}): a big {@code .zst} core opened in the window, "first stack shown",
 * against {@code zstd -d} alone. The window is up and its engine process warm (a small core was
 * opened first, as a user would have done something before); each run empties the core cache, opens
 * a small core again (so that the stack changes), then times from the open to the first pulse laid
 * out with the big core's crashing frame ({@code crash_here}) in the Call stack table: the frame is
 * rendered in that pulse. CPU is the window's JVM and the engine process's, read around the open.
 * Each run times {@code zstd -q -d -f} of the same file right after (wall and CPU from
 * {@code /usr/bin/time}). Prints medians and writes target/zstd-window.txt.
 */
@Timeout(value = 1200, unit = TimeUnit.SECONDS)
class ZstdWindowBench extends WindowTest {
    @Test void aBigZstdCoreOpensInTheWindow(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("sextant.bench"), "a benchmark: run with -Dsextant.bench=true (bench/crashes.sh)");
        Path big = Path.of(System.getProperty("sextant.bench.big"));
        Path small = Path.of(System.getProperty("sextant.bench.small"));
        Path cache = Path.of(System.getProperty("sextant.bench.cache"));   // the engine's $XDG_CACHE_HOME/sextant/cores
        Path zstdOut = Path.of(System.getProperty("sextant.bench.zstdOut"));
        int runs = Integer.getInteger("sextant.bench.runs", 3);

        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        long[] shownAt = {0};
        robot.interact(() -> window.stage().getScene().addPostLayoutPulseListener(() -> {
            if (shownAt[0] == 0 && !stack.getItems().isEmpty() && stack.getItems().get(0).function().startsWith("crash_here")) {
                shownAt[0] = System.nanoTime();
            }
        }));
        open(robot, small);
        List<Long> wall = new ArrayList<>(), cpu = new ArrayList<>(), windowCpu = new ArrayList<>(), answer = new ArrayList<>();
        List<Long> zWall = new ArrayList<>(), zCpu = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            open(robot, small);
            emptyCache(cache);
            robot.interact(() -> shownAt[0] = 0);
            long own0 = ownCpuNanos(), cpu0 = own0 + childrenCpuNanos();
            long t0 = System.nanoTime();
            DumpReport report = open(robot, big);
            long answered = System.nanoTime();
            waitFor("the big core's first stack", 120, () -> shownAt[0] != 0);
            long own = ownCpuNanos();
            long c = own + childrenCpuNanos() - cpu0;
            assertThat(report).isNotNull();
            wall.add((shownAt[0] - t0) / 1_000_000);
            answer.add((answered - t0) / 1_000_000);
            cpu.add(c / 1_000_000);
            windowCpu.add((own - own0) / 1_000_000);
            long[] z = zstd(big, zstdOut);
            zWall.add(z[0]);
            zCpu.add(z[1]);
        }
        long w = median(wall), c = median(cpu), zw = median(zWall), zc = median(zCpu);
        String figures = String.format(Locale.ROOT,
                "ZSTD-WINDOW runs=%d | window, open to first stack shown (empty core cache): %d ms %s, the engine's answer at %d ms"
                        + " | CPU %d ms (window + engine) %s, of which the window's JVM %d ms"
                        + " | zstd -d: %d ms (CPU %d ms) wall %s CPU %s | ratio window/zstd -d: %.2f wall (%.2f CPU) | loadavg %s",
                runs, w, wall, median(answer), c, cpu, median(windowCpu), zw, zc, zWall, zCpu, (double) w / zw, (double) c / zc,
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.println(figures);
        Files.writeString(Path.of("target", "zstd-window.txt"), figures + "\n");
    }

    private DumpReport open(FxRobot robot, Path core) throws Exception {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(core, Optional.empty(), Optional.empty())));
        return f.get().get(300, TimeUnit.SECONDS);
    }

    private static void emptyCache(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) return;
        try (Stream<Path> s = Files.list(cache)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
        }
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of this JVM's live descendants (the engine process), in nanoseconds. */
    private static long childrenCpuNanos() throws IOException {
        long n = 0;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                n += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;   // utime, stime in ticks of 10 ms
            } catch (java.nio.file.NoSuchFileException e) {
                // ended meanwhile
            }
        }
        return n;
    }

    /** Wall and CPU milliseconds of {@code zstd -q -d -f big -o out}, by /usr/bin/time. */
    private long[] zstd(Path big, Path out) throws Exception {
        Path times = dir.resolve("time.txt");
        Process p = new ProcessBuilder("/usr/bin/time", "-f", "%e %U %S", "-o", times.toString(),
                "zstd", "-q", "-d", "-f", big.toString(), "-o", out.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        String[] t = Files.readAllLines(times).get(0).trim().split(" ");
        return new long[] {Math.round(Double.parseDouble(t[0]) * 1000), Math.round((Double.parseDouble(t[1]) + Double.parseDouble(t[2])) * 1000)};
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
