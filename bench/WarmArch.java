import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command.OpenCore;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.session.EngineThread;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Issue 22's per-thread figure, warm: every architecture's core opened again and again in one JVM
 * through the engine path `sextant stack --core CORE --exe EXE` takes (an EngineThread, an OpenCore
 * command: notes, libdwfl session, modules, every thread's walk, symbols), after WARMUP rounds that
 * let C2 compile it. Each round opens every architecture's THREADS-thread core and its 0-thread core
 * (the same program with no parked thread), interleaved and starting at a different architecture each
 * round, so that load from other processes falls on all of them alike; per thread is
 * (time of the THREADS-thread core - time of the 0-thread core) / (threads - threads of the 0-thread core).
 * Wall time, and the CPU time of the engine's thread (which does the whole walk: steadier than wall
 * time on a shared machine). The ratio to x86_64 is taken within each round (the two were measured
 * seconds apart) and its median printed with its interquartile range. Used by bench/arch.sh.
 * Usage: java WarmArch WARMUP ROUNDS ARCH EXE CORE EXE0 CORE0 [ARCH EXE CORE EXE0 CORE0]...  (x86_64 first)
 */
public class WarmArch {
    record Arch(String name, Path exe, Path core, Path exe0, Path core0) {}

    record Open(long wallNanos, long cpuNanos, long queuedNanos, int threads, int frames) {}

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<Arch> arches = new ArrayList<>();
        for (int i = 2; i + 4 < args.length; i += 5) {
            arches.add(new Arch(args[i], Path.of(args[i + 1]), Path.of(args[i + 2]), Path.of(args[i + 3]), Path.of(args[i + 4])));
        }
        int n = arches.size();
        double[][] wall = new double[n][rounds];     // µs per thread, per round
        double[][] cpu = new double[n][rounds];
        double[][] queued = new double[n][rounds];   // µs per thread spent waiting for a CPU
        double[][] ratio = new double[n][rounds];    // to arches[0] (x86_64) in the same round
        double[][] cpuRatio = new double[n][rounds];
        int[] threads = new int[n];
        int[] frames = new int[n];
        try (EngineThread engine = new EngineThread()) {
            for (int r = -warmup; r < rounds; r++) {
                for (int k = 0; k < n; k++) {
                    int a = Math.floorMod(k + r, n);
                    Arch arch = arches.get(a);
                    Open big = open(engine, arch.core(), arch.exe());
                    Open none = open(engine, arch.core0(), arch.exe0());
                    threads[a] = big.threads() - none.threads();
                    frames[a] = big.frames() - none.frames();
                    if (r < 0) continue;
                    wall[a][r] = (big.wallNanos() - none.wallNanos()) / 1e3 / threads[a];
                    cpu[a][r] = (big.cpuNanos() - none.cpuNanos()) / 1e3 / threads[a];
                    queued[a][r] = (big.queuedNanos() - none.queuedNanos()) / 1e3 / threads[a];
                }
                for (int a = 0; r >= 0 && a < n; a++) {
                    ratio[a][r] = wall[a][r] / wall[0][r];
                    cpuRatio[a][r] = cpu[a][r] / cpu[0][r];
                }
            }
        }
        System.out.printf("warm, in one JVM: %d warm-up rounds, %d measured; µs per thread: median of the rounds"
                + " (p25-p75); ratio to %s: median of each round's ratio (p25-p75)%n", warmup, rounds, arches.get(0).name());
        System.out.printf("%-9s %7s %8s | %11s %9s %10s %10s %17s | %10s %9s %10s %17s%n", "arch", "threads", "frames/t",
                "wall µs/thr", "p25-p75", "queued µs", "µs/frame", "vs x86_64 p25-p75", "cpu µs/thr", "p25-p75", "µs/frame", "vs x86_64 p25-p75");
        for (int a = 0; a < n; a++) {
            double framesPerThread = (double) frames[a] / threads[a];
            System.out.printf("%-9s %7d %8.2f | %11.1f %9s %10.1f %10.2f %17s | %10.1f %9s %10.2f %17s%n", arches.get(a).name(), threads[a],
                    framesPerThread, median(wall[a]), range(wall[a], "%.0f"), median(queued[a]), median(wall[a]) / framesPerThread,
                    String.format("%.2fx %s", median(ratio[a]), range(ratio[a], "%.2f")),
                    median(cpu[a]), range(cpu[a], "%.0f"), median(cpu[a]) / framesPerThread,
                    String.format("%.2fx %s", median(cpuRatio[a]), range(cpuRatio[a], "%.2f")));
        }
    }

    /** One `sextant stack` open of a core, timed: wall, and the CPU time of the thread that does the work (the engine's). */
    static Open open(EngineThread engine, Path core, Path exe) throws Exception {
        long c0 = engineCpuNanos();
        long q0 = engineQueuedNanos();
        long t0 = System.nanoTime();
        DumpReport report = engine.submit(new OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get();
        long t1 = System.nanoTime();
        long c1 = engineCpuNanos();
        long q1 = engineQueuedNanos();
        int frames = report.stacks().stream().mapToInt(s -> s.frames().size()).sum();
        return new Open(t1 - t0, c1 - c0, q1 - q0, report.threads().size(), frames);
    }

    /** CPU nanoseconds of the engine's thread ("sextant-engine"): nanosecond-exact, unlike the process's tick-counted time. */
    static long engineCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().equals("sextant-engine")) return mx.getThreadCpuTime(t.getThreadId());
        }
        throw new IllegalStateException("no sextant-engine thread");
    }

    private static Path engineTask;

    /**
     * Nanoseconds the engine's thread has waited for a CPU while runnable (the second field of
     * /proc/self/task/TID/schedstat): on a shared machine, most of the gap between wall and CPU time.
     */
    static long engineQueuedNanos() throws java.io.IOException {
        if (engineTask == null) {
            try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
                engineTask = tasks.filter(t -> {
                    try { return java.nio.file.Files.readString(t.resolve("comm")).strip().equals("sextant-engine"); }
                    catch (java.io.IOException e) { return false; }
                }).findFirst().orElseThrow(() -> new IllegalStateException("no sextant-engine task"));
            }
        }
        return Long.parseLong(java.nio.file.Files.readString(engineTask.resolve("schedstat")).split(" ")[1]);
    }

    static double median(double[] xs) { return quantile(xs, 0.5); }

    static String range(double[] xs, String format) {
        return String.format(format, quantile(xs, 0.25)) + "-" + String.format(format, quantile(xs, 0.75));
    }

    static double quantile(double[] xs, double q) {
        double[] s = xs.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}
