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
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Minidumps and the secondary data browser in the real window (headless). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenMinidumpGuiTest extends WindowTest {
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

    @Test void breakpadLinuxMinidumpOpensWithItsThreadStackAndModules(FxRobot robot) throws Exception {
        open(robot, Corpus.require("minidump/breakpad/linux_raise_sigabrt.dmp"));
        assertThat(robot.lookup("#summary-thread").queryAs(Label.class).getText()).startsWith("23526");
        assertThat(robot.lookup("#threads-table").queryTableView().getItems()).hasSize(1);
        assertThat(robot.lookup("#modules-table").queryTableView().getItems()).hasSize(8);
        assertThat(robot.lookup("#summary-signal").queryAs(Label.class).getText()).startsWith("SIGABRT");
    }

    @Test void aNullReadInALinuxMinidumpIsNotDescribedAsSentByKill(FxRobot robot) throws Exception {
        // linux-mini.dmp: SIGSEGV writing 0x45; its writer left si_code out (exception flags 0).
        open(robot, Corpus.require("minidump/rust-minidump/linux-mini.dmp"));
        String signal = robot.lookup("#summary-signal").queryAs(Label.class).getText();
        assertThat(signal).startsWith("SIGSEGV").doesNotContain("SI_USER").doesNotContain("kill").contains("SEGV_MAPERR");
        assertThat(robot.lookup("#summary-address").queryAs(Label.class).getText()).isEqualTo("0x45");
    }

    @Test void aFileOfUnknownFormatSaysWhichFormatsAreRead(FxRobot robot) throws Exception {
        Path junk = dir.resolve("notes.txt");
        java.nio.file.Files.writeString(junk, "this is not a dump\n");
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(junk, Optional.empty(), Optional.empty())));
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> f.get().get(60, TimeUnit.SECONDS));
        assertThat(failure).isNotNull();
        assertThat(failure.getCause().getMessage()).contains("ELF core").contains("minidump").doesNotContain("ELF identification");
    }

    @Test void aLinuxMinidumpSymbolizedFromABreakpadStoreShowsNamedFrames(FxRobot robot) throws Exception {
        // linux-mini.dmp's program /work/linux/build/crash is on no machine here; its build-id
        // f1c3bcc0279865fe3058404b2831d9e64135386c is Breakpad id C0BCC3F19827FE653058404B2831D9E60.
        Path sym = dir.resolve("store/crash/C0BCC3F19827FE653058404B2831D9E60/crash.sym");
        java.nio.file.Files.createDirectories(sym.getParent());
        java.nio.file.Files.writeString(sym, "MODULE Linux x86_64 C0BCC3F19827FE653058404B2831D9E60 crash\n"
                + "FILE 0 /work/linux/crash.c\nFILE 1 /work/linux/util.h\nINLINE_ORIGIN 0 write_it\n"
                + "FUNC 1d50 40 0 crash_the_program\nINLINE 0 17 0 0 1d70 8\n1d50 20 15 0\n1d70 8 3 1\n1d78 18 18 0\n");
        engine.submit(new dev.sextant.engine.api.Command.SetSymbolPath(dir.resolve("store").toString())).get(30, TimeUnit.SECONDS);
        open(robot, Corpus.require("minidump/rust-minidump/linux-mini.dmp"));
        TableView<dev.sextant.app.view.stack.FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the crashed thread's frames", () -> stack.getItems().size() >= 2);
        var rows = stack.getItems();
        assertThat(rows.get(0).function()).isEqualTo("write_it");
        assertThat(rows.get(0).source()).isEqualTo("/work/linux/util.h:3");
        assertThat(rows.get(0).inline()).isTrue();
        assertThat(rows.get(1).function()).isEqualTo("crash_the_program+0x22");
        assertThat(rows.get(1).source()).isEqualTo("/work/linux/crash.c:17");
        robot.interact(() -> screenshot(Path.of("target/minidump-breakpad-window.png")));
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
