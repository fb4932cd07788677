package dev.sextant.app;

import java.util.Optional;
import java.time.Duration;
import dev.sextant.engine.testing.Await;
import dev.sextant.app.view.modules.ModuleRow;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.session.EngineThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

/**
 * Benchmark (bench/modules-delay.sh runs it, headless on Monocle): the delay from {@code dlopen}
 * returning in the target to the plugin's row reaching the Modules table of the real window, over
 * a storm of dlopen/dlclose. The target stamps CLOCK_MONOTONIC after each dlopen returns; the FX
 * thread stamps System.nanoTime (CLOCK_MONOTONIC on Linux) when the table's list gets the row, and
 * again after the next pulse's layout (the row is on screen from that pulse). Also prints the
 * LOADS/UNLOADS notification rate. Negative delays: the row came first (the target waits at the
 * rendezvous breakpoint while the engine reports the load).
 */
public final class ModulesDelayBench {
    public static void main(String[] args) {
        int status = 0;
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        Platform.exit();
        System.exit(status);         // the FX threads would keep the JVM alive
    }

    private static void run(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path src = Path.of(args.length > 1 ? args[1] : "engine/src/test/native");
        Path dir = Files.createTempDirectory("sextant-modules-delay");
        Path plugin = dir.resolve("libplugin.so");
        Path exe = dir.resolve("dlstorm");
        exec("cc", "-g", "-shared", "-fPIC", "-o", plugin.toString(), src.resolve("plugin.c").toString());
        exec("cc", "-g", "-O0", "-o", exe.toString(), src.resolve("dlstorm.c").toString(), "-ldl");
        Path out = dir.resolve("dlstorm.out");
        Path go = dir.resolve("go");
        new ProcessBuilder("sh", "-c", "\"$@\" </dev/null >\"$0\" 2>&1 &", out.toString(), exe.toString(), plugin.toString(),
                Integer.toString(n), go.toString()).start().waitFor();
        int pid = Integer.parseInt(nextLine(out, 0).substring("ready ".length()).strip());

        CompletableFuture<Void> started = new CompletableFuture<>();
        Platform.startup(() -> started.complete(null));
        started.get(30, TimeUnit.SECONDS);
        EngineThread engine = new EngineThread();
        List<Long> added = Collections.synchronizedList(new ArrayList<>());
        List<Long> shown = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<Long> notified = new ConcurrentLinkedQueue<>();
        engine.addEngineListener(new EngineListener() {
            @Override public int interestMask() { return DEBUG_CSS_LOADS | DEBUG_CSS_UNLOADS; }
            @Override public void changeSymbolState(int flags, long argument) { notified.add(System.nanoTime()); }
        });
        CompletableFuture<Object> attached = new CompletableFuture<>();
        Platform.runLater(() -> {
            Stage stage = new Stage();
            MainWindow window = new MainWindow(stage, engine, false);
            window.show();
            @SuppressWarnings("unchecked")
            TableView<ModuleRow> table = (TableView<ModuleRow>) stage.getScene().lookup("#modules-table");
            int[] waiting = {0};
            table.getItems().addListener((ListChangeListener<ModuleRow>) c -> {
                long now = System.nanoTime();
                while (c.next()) {
                    for (ModuleRow r : c.getAddedSubList()) {
                        if (r.path().endsWith("/libplugin.so") && !r.symbols().equals("unloaded")) {
                            added.add(now);
                            waiting[0]++;
                        }
                    }
                }
            });
            stage.getScene().addPostLayoutPulseListener(() -> {
                long now = System.nanoTime();
                for (; waiting[0] > 0; waiting[0]--) shown.add(now);
            });
            window.debug().attach(pid).thenCompose(p -> engine.submit(new Command.Continue()))
                    .whenComplete((r, e) -> { if (e != null) attached.completeExceptionally(e); else attached.complete(r); });
        });
        attached.get(60, TimeUnit.SECONDS);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        CompletableFuture<Long> fxId = new CompletableFuture<>();
        Platform.runLater(() -> fxId.complete(Thread.currentThread().getId()));
        long fxCpu0 = mx.getThreadCpuTime(fxId.get(10, TimeUnit.SECONDS));
        java.util.Map<String, Long> cpu0 = threadCpu(mx);
        Files.createFile(go);
        Await.poll(Duration.ofSeconds(120), () -> Files.readString(out).contains("\ndone\n") ? Optional.of(true) : Optional.empty());
        List<Long> returned = new ArrayList<>();
        for (String l : Files.readAllLines(out)) if (l.startsWith("load ")) returned.add(Long.parseLong(l.split(" ")[2]));
        Await.poll(Duration.ofSeconds(60), () -> shown.size() < returned.size() ? Optional.empty() : Optional.of(true));
        long fxCpu = mx.getThreadCpuTime(fxId.get()) - fxCpu0;
        java.util.Map<String, Long> cpu1 = threadCpu(mx);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        engine.close();

        List<Long> n1 = new ArrayList<>(notified);
        double seconds = (n1.get(n1.size() - 1) - n1.get(0)) / 1e9;
        System.out.printf("dlopens: %d; LOADS+UNLOADS notifications: %d in %.3f s = %.0f/s%n", returned.size(), n1.size(), seconds, n1.size() / seconds);
        System.out.printf("FX thread CPU during the storm: %d ms (%.0f us per dlopen+dlclose)%n", fxCpu / 1_000_000, fxCpu / 1e3 / returned.size());
        StringBuilder busiest = new StringBuilder();
        cpu1.entrySet().stream().map(e -> java.util.Map.entry(e.getKey(), e.getValue() - cpu0.getOrDefault(e.getKey(), 0L)))
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                .forEach(e -> busiest.append(busiest.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue() / 1_000_000).append(" ms"));
        System.out.println("CPU by thread during the storm: " + busiest);
        report("row added to the Modules table's list", returned, added);
        report("row laid out in the next pulse", returned, shown);
    }

    private static java.util.Map<String, Long> threadCpu(java.lang.management.ThreadMXBean mx) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) out.merge(t.getThreadName(), Math.max(0, mx.getThreadCpuTime(t.getThreadId())), Long::sum);
        }
        return out;
    }

    private static void report(String what, List<Long> returned, List<Long> at) {
        int k = Math.min(returned.size(), at.size());
        List<Long> d = new ArrayList<>();
        for (int i = 0; i < k; i++) d.add(at.get(i) - returned.get(i));
        Collections.sort(d);
        System.out.printf("dlopen return -> %s: %d of %d rows; median %.2f ms, p90 %.2f ms, worst %.2f ms%n", what, k, returned.size(),
                d.get(k / 2) / 1e6, d.get(k * 9 / 10) / 1e6, d.get(k - 1) / 1e6);
    }

    /** Line {@code index} (0-based) of a growing output file, waiting up to 60 s; null when it does not come. */
    private static String nextLine(Path file, int index) throws Exception {
        return Await.poll(Duration.ofSeconds(60), () -> {
            String text = Files.exists(file) ? Files.readString(file) : "";
            List<String> lines = text.lines().toList();
            return lines.size() > index && (lines.size() > index + 1 || text.endsWith("\n")) ? Optional.of(lines.get(index)) : Optional.<String>empty();
        }).orElse(null);
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + String.join(" ", cmd));
    }
}
