package dev.sextant.engine.linux;

import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.session.EngineThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (bench/live-stack.sh runs it): the dlopen storm under the live engine. Prints the
 * ChangeSymbolState rate, the storm's wall time with and without the debugger, and when each
 * LOADS notification arrived relative to dlopen returning in the target (both CLOCK_MONOTONIC;
 * negative: the notification came first, since the target waits at the rendezvous breakpoint).
 */
public final class DlopenStorm {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path dir = Files.createTempDirectory("sextant-dlstorm");
        Path src = Path.of("engine/src/test/native");
        Path plugin = dir.resolve("libplugin.so");
        Path exe = dir.resolve("dlstorm");
        exec("cc", "-g", "-shared", "-fPIC", "-o", plugin.toString(), src.resolve("plugin.c").toString());
        exec("cc", "-g", "-O0", "-o", exe.toString(), src.resolve("dlstorm.c").toString(), "-ldl");

        long bare = storm(exe, plugin, dir, n, false, new ArrayList<>(), new ArrayList<>());
        List<Long> notified = Collections.synchronizedList(new ArrayList<>());
        List<long[]> loads = new ArrayList<>();
        long traced = storm(exe, plugin, dir, n, true, notified, loads);
        List<Long> delays = new ArrayList<>();
        for (long[] l : loads) delays.add(l[1] - l[0]);     // notification time - dlopen-return time
        Collections.sort(delays);
        double seconds = (notified.get(notified.size() - 1) - notified.get(0)) / 1e9;
        System.out.printf("dlopen storm n=%d: %d notifications in %.3f s = %.0f/s; storm wall time %d ms traced vs %d ms bare (%.1fx)%n",
                n, notified.size(), seconds, notified.size() / seconds, traced / 1_000_000, bare / 1_000_000, (double) traced / bare);
        System.out.printf("LOADS notification relative to dlopen returning: median %.1f us, worst %.1f us (negative: before the return)%n",
                delays.get(delays.size() / 2) / 1e3, delays.get(delays.size() - 1) / 1e3);
    }

    private static long storm(Path exe, Path plugin, Path dir, int n, boolean traced, List<Long> notified, List<long[]> loads)
            throws Exception {
        Path go = dir.resolve("go-" + traced);
        try (NativePrograms.Running p = NativePrograms.start(exe, plugin.toString(), Integer.toString(n), go.toString());
             EngineThread engine = new EngineThread()) {
            ConcurrentLinkedQueue<long[]> loadTimes = new ConcurrentLinkedQueue<>();
            if (traced) {
                engine.addEngineListener(new EngineListener() {
                    @Override public int interestMask() { return DEBUG_CSS_LOADS | DEBUG_CSS_UNLOADS; }
                    @Override public void changeSymbolState(int flags, long argument) {
                        long now = System.nanoTime();
                        notified.add(now);
                        if (flags == DEBUG_CSS_LOADS) loadTimes.add(new long[]{argument, now});
                    }
                });
                engine.submit(new Command.Attach(new Pid(p.pid()))).get(60, TimeUnit.SECONDS);
                engine.submit(new Command.Continue()).get(60, TimeUnit.SECONDS);
            }
            long start = System.nanoTime();
            Files.createFile(go);
            List<Long> returned = new ArrayList<>();
            for (String line; (line = p.line()) != null && !line.equals("done"); ) returned.add(Long.parseLong(line.split(" ")[2]));
            long wall = returned.get(returned.size() - 1) - start;
            List<long[]> lt = new ArrayList<>(loadTimes);
            for (int i = 0; i < Math.min(lt.size(), returned.size()); i++) loads.add(new long[]{returned.get(i), lt.get(i)[1]});
            if (traced) {
                engine.submit(new Command.Break()).get(60, TimeUnit.SECONDS);
                engine.submit(new Command.Detach()).get(60, TimeUnit.SECONDS);
            }
            return wall;
        }
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + String.join(" ", cmd));
    }
}
