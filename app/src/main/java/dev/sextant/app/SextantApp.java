package dev.sextant.app;

import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.session.EngineThread;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The JavaFX application: one engine, one main window. Named parameters: {@code --core},
 * {@code --exe}, {@code --sysroot}, {@code --dark}, {@code --demo} (build and open the bundled
 * crash demo), {@code --screenshot=PNG} (write the window to a file once the dump is shown, then quit).
 */
public final class SextantApp extends Application {
    private EngineThread engine;

    @Override public void start(Stage stage) {
        Map<String, String> named = getParameters().getNamed();
        List<String> flags = getParameters().getUnnamed();
        engine = new EngineThread();
        MainWindow window = new MainWindow(stage, engine, flags.contains("--dark"));
        window.show();
        boolean timing = "1".equals(System.getenv("SEXTANT_TIMING"));
        if (timing) System.err.println("timing: window shown " + sinceJvmStart() + " ms after the JVM started");
        Optional<Path> exe = Optional.ofNullable(named.get("exe")).map(Path::of);
        Optional<Path> sysroot = Optional.ofNullable(named.get("sysroot")).map(Path::of);
        CompletableFuture<?> opened;
        if (named.containsKey("core")) {
            opened = window.open(Path.of(named.get("core")), exe, sysroot);
        } else if (flags.contains("--demo")) {
            // The demo runs as always; crashes on the machine are offered beside it (a listing without signatures: quick).
            engine.submit(new dev.sextant.engine.api.Command.ListCrashes(List.of(dev.sextant.engine.api.Command.ListCrashes.SYSTEMD_DIRECTORY),
                    Optional.empty(), false, new dev.sextant.engine.api.Cancellation()))
                    .thenAccept(inbox -> Platform.runLater(() -> window.offerCrashes(inbox)));
            opened = window.launchDemo().exceptionally(e -> null);
            if (named.containsKey("screenshot")) {
                // For the README's picture: the demo stopped at its breakpoint, with every view filled in.
                opened = opened.thenCompose(p -> {
                    CompletableFuture<Object> shown = new CompletableFuture<>();
                    Platform.runLater(() -> window.debug().breakpoint("process_order").whenComplete((b, e) ->
                            new Thread(() -> {
                                try { Thread.sleep(2500); } catch (InterruptedException ignored) { }
                                shown.complete(b);
                            }).start()));
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
            opened.whenComplete((r, e) -> Platform.runLater(() -> Screenshot.writeAfterLayout(stage.getScene(), Path.of(shot), Platform::exit)));
        }
    }

    static CompletableFuture<?> openDemo(MainWindow window) {
        window.status().busy("Building the demo crash (compiling a small C program and letting it crash)…", () -> {});
        CompletableFuture<Object> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                List<Path> demo = DemoCore.prepare();
                Platform.runLater(() -> window.open(demo.get(0), Optional.of(demo.get(1)), Optional.empty())
                        .whenComplete((r, e) -> done.complete(r)));
            } catch (TargetException e) {
                Platform.runLater(() -> {
                    window.status().idle("No demo");
                    window.showError(e.getMessage());
                    done.complete(null);
                });
            } catch (Exception e) {
                Platform.runLater(() -> {
                    window.status().idle("No demo");
                    window.showError("the demo could not be prepared: " + e.getMessage());
                    done.complete(null);
                });
            }
        }, "sextant-demo");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private static long sinceJvmStart() {
        return System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    @Override public void stop() {
        if (engine != null) engine.close();
    }
}
