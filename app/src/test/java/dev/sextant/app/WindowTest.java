package dev.sextant.app;

import dev.sextant.engine.api.Engine;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.session.remote.SupervisedEngine;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;

/**
 * The real main window on a real engine, per test, headless: what every GUI test starts from. The
 * engine runs in a process of its own, as the application runs it; {@code -Dsextant.test.engine=inprocess}
 * runs it in the test's JVM instead (to debug the engine under a GUI test).
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(180)
public abstract class WindowTest {
    protected Engine engine;
    protected MainWindow window;
    /** The window's configuration directory (its remembered layout): a fresh one per test, never the user's. */
    @org.junit.jupiter.api.io.TempDir protected java.nio.file.Path configDir;
    /** A fresh directory per test for the files it makes (programs, cores, sources). */
    @org.junit.jupiter.api.io.TempDir protected java.nio.file.Path dir;

    // TestFX looks for @Start on the test class itself, not on a superclass: set the stage up here.
    @BeforeEach void openWindow() throws Exception {
        System.setProperty("sextant.config.dir", configDir.toString());
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            engine = "inprocess".equals(System.getProperty("sextant.test.engine")) ? new EngineThread() : new SupervisedEngine();
            window = new MainWindow(stage, engine, false);
            window.show();
        });
    }

    /**
     * Closes the engine and every window a test opened beside the main one (the Crashes window, a
     * process picker): left open, it would lie over the next test's window and take its clicks.
     */
    @AfterEach void stopEngine() throws Exception {
        engine.close();
        FxToolkit.setupFixture(() -> new java.util.ArrayList<>(javafx.stage.Window.getWindows()).stream()
                .filter(w -> w != window.stage()).forEach(javafx.stage.Window::hide));
    }

    /**
     * Waits (on the test thread) until {@code ok} holds, then for the FX thread to settle; on time-out
     * fails naming {@code what} with the status bar's text and any notification shown.
     */
    protected void waitFor(String what, java.util.function.BooleanSupplier ok) throws Exception {
        waitFor(what, 40, ok);
    }

    protected void waitFor(String what, int seconds, java.util.function.BooleanSupplier ok) throws Exception {
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
    protected dev.sextant.engine.api.ProcessInfo launchDemo(org.testfx.api.FxRobot robot) throws Exception {
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
    protected String diagnostics() { return ""; }

    /** The demo's crash core and its executable (built once and cached), as Open demo crash opens them. */
    protected List<Path> demoCore() throws Exception {
        return DemoCore.prepare(engine);
    }

    /** Where the demo core and its program are built ({@link DemoCore#cacheDir()}). */
    protected static Path demoCacheDir() { return DemoCore.cacheDir(); }

    protected static byte[] procMem(int pid, long address, int length) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile("/proc/" + pid + "/mem", "r")) {
            f.seek(address);
            byte[] b = new byte[length];
            f.readFully(b);
            return b;
        }
    }

    /** The demo's {@code orders_done} counter as /proc/PID/mem shows it now. */
    protected static long counter(int pid, long address) {
        try {
            return ByteBuffer.wrap(procMem(pid, address, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read orders_done of " + pid, e);
        }
    }

    /** Where {@code orders_done} lives in the running demo, from nm and /proc/PID/maps (not from Sextant). */
    protected static long ordersDone(int pid) throws Exception {
        Path exe = DemoProgram.prepare();
        Tools.Result nm = Tools.run(exe.getParent(), 30, List.of("nm", exe.toString()));
        String line = nm.stdout().lines().filter(l -> l.endsWith(" orders_done")).findFirst().orElseThrow();
        long value = Long.parseUnsignedLong(line.substring(0, line.indexOf(' ')), 16);
        byte[] header = Files.readAllBytes(exe);
        boolean pie = header[16] == 3;                          // e_type ET_DYN
        if (!pie) return value;
        String real = exe.toRealPath().toString();
        String map = Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream()
                .filter(l -> l.endsWith(real)).findFirst().orElseThrow();
        return Long.parseUnsignedLong(map.substring(0, map.indexOf('-')), 16) + value;
    }

    private static NativePrograms.Crashed crashCore;

    /** crash.c compiled and crashed once per test run (in {@code target/window-tests}), shared by the tests that only read it. */
    protected static synchronized NativePrograms.Crashed crashCore() throws Exception {
        if (crashCore == null) {
            crashCore = NativePrograms.crashed("crash", Files.createDirectories(Path.of("target", "window-tests").toAbsolutePath()));
        }
        return crashCore;
    }

    /** Writes the window as it is now to {@code png} (call on the FX thread). */
    protected void screenshot(Path png) {
        try {
            Screenshot.write(window.stage().getScene().snapshot(null), png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
