package dev.sextant.app.view.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.app.view.threads.ThreadRow;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.session.remote.SupervisedEngine;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The window when its engine process is SIGKILLed with a core open: it says so, keeps its views, reopens, and goes on. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EngineProcessGuiTest extends WindowTest {
    @TempDir static Path dir;
    static Path exe;
    static Path core;

    @BeforeAll static void makeCore() throws Exception {
        exe = NativePrograms.compile("abortthreads", dir);
        core = NativePrograms.coreOf(exe, dir, "3");
    }

    private TableView<?> threadsTable, stackTable;

    @Override protected String diagnostics() {
        return "; threads " + (threadsTable == null ? "-" : threadsTable.getItems() + " selected " + threadsTable.getSelectionModel().getSelectedItem())
                + "; stack " + (stackTable == null ? "-" : stackTable.getItems());
    }

    @Test void aKilledEngineIsReportedAndReplacedAndTheViewsStay(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(engine instanceof SupervisedEngine, "the engine runs in this JVM (sextant.test.engine=inprocess)");
        SupervisedEngine supervised = (SupervisedEngine) engine;
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(core, Optional.of(exe), Optional.empty())));
        DumpReport report = f.get().get(60, TimeUnit.SECONDS);
        TableView<ThreadRow> threads = robot.lookup("#threads-table").queryTableView();
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        threadsTable = threads;
        stackTable = stack;
        waitFor("the four threads", () -> threads.getItems().size() == 4 && !stack.getItems().isEmpty());
        List<String> threadsBefore = threads.getItems().stream().map(t -> t.tid() + " " + t.location()).toList();
        List<String> stackBefore = stack.getItems().stream().map(FrameRow::function).toList();
        String signal = robot.lookup("#summary-signal").queryAs(Label.class).getText();
        assertThat(signal).startsWith("SIGABRT");

        long pid = supervised.current().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        waitFor("the banner", () -> window.engineBannerText().contains("killed by signal 9 (SIGKILL)"));
        String banner = window.engineBannerText();
        assertThat(banner).contains("pid " + pid).contains(core.toString()).contains("reopening " + core.getFileName());
        // what the views showed is still there
        assertThat(threads.getItems().stream().map(t -> t.tid() + " " + t.location()).toList()).isEqualTo(threadsBefore);
        assertThat(robot.lookup("#summary-signal").queryAs(Label.class).getText()).isEqualTo(signal);
        waitFor("the core reopened", () -> window.engineBannerText().endsWith("Reopened."));
        assertThat(supervised.current().pid()).isNotEqualTo(pid);
        waitFor("the threads again", () -> threads.getItems().size() == 4);
        assertThat(threads.getItems().stream().map(t -> t.tid() + " " + t.location()).toList()).isEqualTo(threadsBefore);
        assertThat(stack.getItems().stream().map(FrameRow::function).toList()).isEqualTo(stackBefore);
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> screenshot(Path.of(System.getProperty("java.io.tmpdir"), "sextant-engine-killed.png")));

        // the next commands work: another thread's stack, and a question to the new engine
        int worker = 0;
        while (threads.getItems().get(worker).crashed()) worker++;
        ThreadRow workerRow = threads.getItems().get(worker);
        int row = worker;
        robot.interact(() -> threads.getSelectionModel().clearAndSelect(row));
        waitFor("the worker's stack", () -> stack.getItems().stream().anyMatch(r -> r.function().startsWith("wait_here")));
        assertThat(stack.getItems()).extracting(FrameRow::function).anyMatch(fn -> fn.startsWith("middle"));
        assertThat(engine.submit(new Command.DescribeAddress(Address.parse(stack.getItems().stream()
                .filter(r -> r.function().startsWith("middle")).findFirst().orElseThrow().pc()))).get(30, TimeUnit.SECONDS))
                .contains("middle");
        assertThat(report.threads()).anyMatch(t -> t.tid().equals(workerRow.tid()));
    }
}
