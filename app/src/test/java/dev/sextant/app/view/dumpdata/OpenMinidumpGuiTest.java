package dev.sextant.app.view.dumpdata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.DumpData;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.testing.Corpus;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Minidumps and the secondary data browser in the real window (headless). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenMinidumpGuiTest extends WindowTest {
    @TempDir Path dir;

    void open(FxRobot robot, Path file) throws Exception {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(file, Optional.empty(), Optional.empty())));
        f.get().get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test void crashpadMinidumpShowsItsCrashAndItsAnnotations(FxRobot robot) throws Exception {
        open(robot, Corpus.require("minidump/rust-minidump/simple-crashpad.dmp"));
        assertThat(robot.lookup("#summary-system").queryAs(Label.class).getText()).startsWith("Mac OS X 10.15.7").contains("amd64");
        assertThat(robot.lookup("#summary-thread").queryAs(Label.class).getText()).startsWith("927532");
        assertThat(robot.lookup("#threads-table").queryTableView().getItems()).hasSize(1);
        assertThat(robot.lookup("#modules-table").queryTableView().getItems()).hasSize(40);
        robot.clickOn("Dump data");
        TableView<DumpData> data = robot.lookup("#dumpdata-table").queryTableView();
        DumpData hello = data.getItems().stream().filter(d -> d.name().equals("hello")).findFirst().orElseThrow();
        assertThat(hello.component()).isEqualTo("crashpad");
        robot.clickOn("#dumpdata-filter").write("hello");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(data.getItems()).hasSize(1);
        robot.interact(() -> data.getSelectionModel().select(0));
        assertThat(robot.lookup("#dumpdata-detail").queryAs(TextArea.class).getText()).contains("world");
    }

    @Test void windowsMinidumpNamesTheAccessViolation(FxRobot robot) throws Exception {
        open(robot, Corpus.require("minidump/breakpad/minidump2.dmp"));
        assertThat(robot.lookup("#summary-signal").queryAs(Label.class).getText()).startsWith("EXCEPTION_ACCESS_VIOLATION_WRITE");
        assertThat(robot.lookup("#summary-address").queryAs(Label.class).getText()).isEqualTo("0x45");
        assertThat(robot.lookup("#threads-table").queryTableView().getItems()).hasSize(2);
    }

    @Test void anElfCoreListsItsNotesAsDumpData(FxRobot robot) throws Exception {
        Path exe = NativePrograms.compile("crash", dir);
        open(robot, NativePrograms.coreOf(exe, dir));
        robot.clickOn("Dump data");
        TableView<DumpData> data = robot.lookup("#dumpdata-table").queryTableView();
        assertThat(data.getItems()).extracting(DumpData::name).contains("NT_PRSTATUS", "NT_PRPSINFO", "NT_SIGINFO", "NT_AUXV", "NT_FILE");
        DumpData file = data.getItems().stream().filter(d -> d.name().equals("NT_FILE")).findFirst().orElseThrow();
        assertThat(file.decoded()).contains(exe.toString());
    }
}
