package dev.sextant.app.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.testing.Corpus;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Tab;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Tests that look: every view of the window, in three states (the demo running and stopped at a
 * breakpoint, a core, a minidump), shown at the default size and checked for what is drawn
 * ({@link LookCheck}); each view is written to {@code target/screenshots/STATE-VIEW.png} for a
 * reviewer to look at.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ViewsLookTest extends WindowTest {
    static final Path SHOTS = Path.of("target", "screenshots");

    /** Shows each tab in turn, checks what is drawn, writes its picture; fails with every problem of every view. */
    void lookAtEveryView(FxRobot robot, String state) throws Exception {
        Files.createDirectories(SHOTS);
        List<String> problems = new ArrayList<>();
        for (Tab tab : window.workbench().tabs()) {
            robot.interact(() -> window.workbench().select(tab));
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(() -> window.stage().getScene().getRoot().layout());
            AtomicReference<List<String>> found = new AtomicReference<>();
            robot.interact(() -> found.set(LookCheck.problems(window.stage().getScene().getRoot())));
            for (String p : found.get()) if (!problems.contains(p)) problems.add(state + ", " + tab.getText() + ": " + p);
            String name = state + "-" + tab.getText().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".png";
            robot.interact(() -> {
                try {
                    screenshot(SHOTS.resolve(name));
                } catch (java.io.UncheckedIOException e) {
                    problems.add("cannot write " + name + ": " + e.getCause().getMessage());
                }
            });
        }
        assertThat(problems).as("what the views draw").isEmpty();
    }

    /** The window as it opens, each area on its first tab (Source, Call stack, Variables): the README's pictures. */
    void pictureOfTheDefaultTabs(FxRobot robot, String name) throws Exception {
        for (String title : List.of("Threads", "Source", "Call stack", "Variables")) {
            robot.interact(() -> window.workbench().select(window.workbench().tab(title).orElseThrow()));
        }
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> screenshot(SHOTS.resolve(name)));
    }

    DumpReport open(FxRobot robot, Path file, Optional<Path> exe) throws Exception {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(file, exe, Optional.empty())));
        DumpReport r = f.get().get(90, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return r;
    }

    @Test void aCore(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler for the demo crash");
        List<Path> demo = demoCore();
        open(robot, demo.get(0), Optional.of(demo.get(1)));
        TableView<?> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the crashing thread's stack", () -> !stack.getItems().isEmpty());
        lookAtEveryView(robot, "core");
        pictureOfTheDefaultTabs(robot, "readme-core.png");
    }

    @Test void aMinidump(FxRobot robot) throws Exception {
        open(robot, Corpus.require("minidump/rust-minidump/linux-mini.dmp"), Optional.empty());
        TableView<?> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the crashing thread's stack", () -> !stack.getItems().isEmpty());
        lookAtEveryView(robot, "minidump");
    }

    @Test void theDemoRunningAndStopped(FxRobot robot) throws Exception {
        var p = launchDemo(robot);
        try {
            TableView<?> modules = robot.lookup("#modules-table").queryTableView();
            waitFor("the demo's plugin among the modules", () -> window.debug().running().get() && modules.getItems().size() > 3);
            lookAtEveryView(robot, "demo-running");
            robot.interact(() -> window.debug().breakpoint("process_order"));
            TableView<?> stack = robot.lookup("#stack-table").queryTableView();
            waitFor("the breakpoint stop", () -> !window.debug().running().get() && !stack.getItems().isEmpty());
            robot.press(KeyCode.CONTROL).press(KeyCode.G).release(KeyCode.G).release(KeyCode.CONTROL);
            robot.write("orders_done").press(KeyCode.ENTER).release(KeyCode.ENTER);
            TableView<?> memory = robot.lookup("#memory-table").queryTableView();
            waitFor("memory at orders_done", () -> memory.getItems().size() > 4);
            lookAtEveryView(robot, "demo-stopped");
            pictureOfTheDefaultTabs(robot, "readme-live.png");
        } finally {
            robot.interact(() -> window.debug().kill());
            ProcessHandle.of(p.pid().value()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
