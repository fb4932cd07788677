package dev.sextant.app;

import dev.sextant.app.view.FxThread;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.session.remote.SupervisedEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The JavaFX application: one engine, one main window. Named parameters: {@code --core},
 * {@code --exe}, {@code --sysroot}, {@code --dark}, {@code --demo} (build and open the bundled
 * crash demo), {@code --screenshot=PNG} (write the window to a file once the dump is shown, then quit).
 * The engine runs in a process of its own, supervised ({@link SupervisedEngine}): a native fault
 * there costs a restart, not the session. {@code -Dsextant.engine=inprocess} runs it in this JVM
 * (to debug the engine).
 */
public final class SextantApp extends Application {
    /** The engine process starts after the window's first frame, or this long after the window was shown. */
    static final Duration ENGINE_START_LATEST = Duration.ofSeconds(2);

    private Engine engine;

    private static boolean inProcess() {
        return "inprocess".equals(System.getProperty("sextant.engine"));
    }

    @Override public void start(Stage stage) {
        Map<String, String> named = getParameters().getNamed();
        List<String> flags = getParameters().getUnnamed();
        // The engine process starts once the window has laid out its first frame: two JVMs starting at
        // once on a machine of two processors took the window's first frame 90-230 ms later (bench/engine-child-startup.sh).
        // Commands given meanwhile (the core to open) wait for it.
        SupervisedEngine later = inProcess() ? null : SupervisedEngine.startingLater();
        engine = later != null ? later : new EngineThread();
        MainWindow window = new MainWindow(stage, engine, flags.contains("--dark"));
        window.show();
        if (later != null) {
            // (a time from the window's making would start it during the window's own start on a slow machine)
            later.startWithin(ENGINE_START_LATEST);
            boolean[] started = {false};
            stage.getScene().addPostLayoutPulseListener(() -> {
                if (started[0]) return;
                started[0] = true;
                Platform.runLater(later::start);
            });
        }
        boolean timing = "1".equals(System.getenv("SEXTANT_TIMING"));
        if (timing) {
            System.err.println("timing: window shown " + sinceJvmStart() + " ms after the JVM started");
            // the first pulse's layout is done: its frame is rendered next (bench/engine-child-startup.sh's first paint)
            boolean[] said = {false};
            stage.getScene().addPostLayoutPulseListener(() -> {
                if (said[0]) return;
                said[0] = true;
                System.err.println("timing: first pulse " + sinceJvmStart() + " ms after the JVM started");
            });
        }
        Optional<Path> exe = Optional.ofNullable(named.get("exe")).map(Path::of);
        Optional<Path> sysroot = Optional.ofNullable(named.get("sysroot")).map(Path::of);
        CompletableFuture<?> opened;
        if (named.containsKey("core")) {
            opened = window.open(Path.of(named.get("core")), exe, sysroot);
        } else if (flags.contains("--demo")) {
            // The demo runs as always; crashes on the machine are offered beside it (a listing without signatures: quick).
            FxThread.whenDone(engine.submit(new Command.ListCrashes(List.of(Command.ListCrashes.SYSTEMD_DIRECTORY),
                    Optional.empty(), false, new Cancellation())), window::offerCrashes, e -> {});
            opened = window.launchDemo().exceptionally(e -> null);
            if (named.containsKey("screenshot")) {
                // For the README's picture: the demo stopped at its breakpoint, with every view filled in.
                opened = opened.thenCompose(p -> {
                    CompletableFuture<Object> shown = new CompletableFuture<>();
                    // the views fill in over the next pulses after the hit: the picture is taken a moment later
                    FxThread.later(() -> window.debug().breakpoint("process_order").whenComplete((b, e) ->
                            shown.completeAsync(() -> b, CompletableFuture.delayedExecutor(2500, TimeUnit.MILLISECONDS))));
                    return shown;
                });
            }
        } else if (flags.contains("--demo-crash")) {
            opened = openDemo(window);
        } else {
            opened = CompletableFuture.completedFuture(null);
        }
        if (timing) {
            opened.whenComplete((r, e) -> System.err.println("timing: dump shown " + sinceJvmStart() + " ms after the JVM started"));
        }
        String shot = named.get("screenshot");
        if (shot != null) {
            opened.whenComplete((r, e) -> FxThread.later(() -> Screenshot.writeAfterLayout(stage.getScene(), Path.of(shot), Platform::exit)));
        }
    }

    static CompletableFuture<?> openDemo(MainWindow window) {
        window.status().busy("Building the demo crash (compiling a small C program and letting it crash)…", () -> {});
        CompletableFuture<Object> done = new CompletableFuture<>();
        CompletableFuture<List<Path>> demo = CompletableFuture.supplyAsync(() -> {
            try {
                return DemoCore.prepare(window.engine());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetException("interrupted while preparing the demo");
            }
        });
        FxThread.whenDone(demo, d -> window.open(d.get(0), Optional.of(d.get(1)), Optional.empty()).whenComplete((r, e) -> done.complete(r)), e -> {
            window.status().idle("No demo");
            window.showError(e instanceof TargetException ? e.getMessage()
                    : "the demo could not be prepared: " + (e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage()));
            done.complete(null);
        });
        return done;
    }

    private static long sinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    @Override public void stop() {
        if (engine != null) engine.close();
    }
}
