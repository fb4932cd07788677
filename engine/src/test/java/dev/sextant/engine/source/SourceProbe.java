package dev.sextant.engine.source;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.SourceText;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.symbols.SymbolPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client side of {@link SourceDebuginfodTest}, run in a child JVM inside the test's private network
 * and mount namespaces (the source tree hidden, the servers on 127.0.0.1). Prints
 * {@code SCENARIO name} and then {@code RESULT}, {@code LOOKED}, {@code PROGRESS} lines.
 * Arguments: core exe realUrl slowUrl cacheDir.
 */
public final class SourceProbe {
    private SourceProbe() {}

    public static void main(String[] args) throws Exception {
        Path core = Path.of(args[0]), exe = Path.of(args[1]);
        String real = args[2], slow = args[3], cache = args[4];
        System.out.println("SCENARIO found");
        run(core, exe, "own;debuginfod*" + cache + "*" + real, null, false);
        System.out.println("SCENARIO cached");
        run(core, exe, "own;debuginfod*" + cache + "*" + real, null, false);
        System.out.println("SCENARIO hostile");
        run(core, exe, "own;debuginfod*" + cache + "-h*" + real, "/nonexistent-sextant/../../etc/passwd", false);
        System.out.println("SCENARIO cancel");
        run(core, exe, "own;debuginfod*" + cache + "-c*" + slow, null, true);
        System.out.println("SCENARIO after-cancel");
        run(core, exe, "own;debuginfod*" + cache + "-c*" + real, null, false);
        System.out.println("DONE");
        System.exit(0);
    }

    static void run(Path core, Path exe, String symbolPath, String file, boolean cancelOnProgress) throws Exception {
        try (EngineThread e = new EngineThread(SymbolPath.parse(symbolPath, Map.of()),
                EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES, SymbolOption.DEBUGINFOD))) {
            Cancellation cancel = new Cancellation();
            AtomicInteger progress = new AtomicInteger();
            e.addListener(ev -> {
                if (ev instanceof DebugEvent.ProgressReported p && p.task().startsWith("Downloading ")) {
                    progress.incrementAndGet();
                    // Before a server answers, libdebuginfod reports its loop count with total 0: cancel once bytes flow.
                    if (cancelOnProgress && p.total() > 0 && p.done() > 0) cancel.cancel();
                }
            });
            DumpReport r = e.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            StackFrame crash = r.stacks().stream().flatMap(s -> s.frames().stream())
                    .filter(f -> f.function().equals(Optional.of("crash_in_leaf"))).findFirst().orElseThrow();
            System.out.println("FILE " + crash.file().orElse("?") + ":" + crash.line().orElse(0));
            long t0 = System.nanoTime();
            try {
                SourceText t = e.submit(new Command.LocateSource(crash.pc(), file != null ? file : crash.file().orElseThrow(), cancel))
                        .get(60, TimeUnit.SECONDS);
                if (t instanceof SourceText.Found f) {
                    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(f.text().getBytes(StandardCharsets.UTF_8)));
                    System.out.println("RESULT FOUND how=" + f.how() + " location=" + f.location() + " sha=" + sha);
                } else if (t instanceof SourceText.NotFound n) {
                    System.out.println("RESULT NOT-FOUND");
                    n.looked().forEach(l -> System.out.println("LOOKED " + l));
                }
            } catch (java.util.concurrent.CancellationException x) {
                System.out.println("RESULT FAILED CancellationException: " + x.getMessage());
            } catch (ExecutionException x) {
                System.out.println("RESULT FAILED " + x.getCause().getClass().getSimpleName() + ": " + x.getCause().getMessage());
            }
            System.out.println("PROGRESS " + progress.get());
            System.out.println("ELAPSED " + (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
