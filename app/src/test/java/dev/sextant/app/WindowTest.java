package dev.sextant.app;

import dev.sextant.engine.session.EngineThread;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;

/** The real main window on a real engine, per test, headless: what every GUI test starts from. */
@ExtendWith(ApplicationExtension.class)
abstract class WindowTest {
    EngineThread engine;
    MainWindow window;
    /** The window's configuration directory (its remembered layout): a fresh one per test, never the user's. */
    @org.junit.jupiter.api.io.TempDir java.nio.file.Path configDir;

    // TestFX looks for @Start on the test class itself, not on a superclass: set the stage up here.
    @BeforeEach void openWindow() throws Exception {
        System.setProperty("sextant.config.dir", configDir.toString());
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            engine = new EngineThread();
            window = new MainWindow(stage, engine, false);
            window.show();
        });
    }

    @AfterEach void stopEngine() { engine.close(); }

    /**
     * Waits (on the test thread) until {@code ok} holds, then for the FX thread to settle; on time-out
     * fails naming {@code what} with the status bar's text and any notification shown.
     */
    void waitFor(String what, java.util.function.BooleanSupplier ok) throws Exception {
        waitFor(what, 40, ok);
    }

    void waitFor(String what, int seconds, java.util.function.BooleanSupplier ok) throws Exception {
        try {
            org.testfx.util.WaitForAsyncUtils.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS, ok::getAsBoolean);
        } catch (java.util.concurrent.TimeoutException e) {
            org.controlsfx.control.NotificationPane n = (org.controlsfx.control.NotificationPane)
                    window.stage().getScene().lookup("#notifications");
            throw new AssertionError("timed out waiting for " + what + "; status: " + window.status().text()
                    + "; notification: " + (n != null && n.isShowing() ? n.getText() : "none") + diagnostics());
        }
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
    }

    /**
     * Launches the bundled demo from the window (as Debug → Launch demo does) and returns it once it
     * runs under the debugger; aborts the test where the demo cannot be built or traced here.
     */
    dev.sextant.engine.api.ProcessInfo launchDemo(org.testfx.api.FxRobot robot) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.sextant.engine.testing.NativePrograms.Tools.onPath("cc"), "no C compiler for the demo");
        var launched = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<dev.sextant.engine.api.ProcessInfo>>();
        robot.interact(() -> launched.set(window.launchDemo()));
        try {
            return launched.get().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            org.junit.jupiter.api.Assumptions.abort("the demo could not be launched under ptrace here: " + e.getCause().getMessage());
            throw e;
        }
    }

    /** More to say when a wait times out (a test's own view of what it waited on). */
    String diagnostics() { return ""; }
}
