package dev.sextant.app.view.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.modules.ModuleRow;
import dev.sextant.app.view.threads.ThreadRow;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import org.controlsfx.control.NotificationPane;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The real window, headless (Monocle), on a core made by the test from a program compiled now. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OpenCoreGuiTest extends WindowTest {
    @TempDir static Path dir;
    static NativePrograms.Crashed crash;

    @BeforeAll static void makeCore() throws Exception { crash = crashCore(); }

    DumpReport open(FxRobot robot, Path file) throws Exception {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(file, Optional.empty(), Optional.empty())));
        try {
            return f.get().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        } finally {
            WaitForAsyncUtils.waitForFxEvents();
        }
    }

    @Test void showsTheCrashSummaryThreadsAndTopFrameFiltersAndCopies(FxRobot robot) throws Exception {
        open(robot, crash.core());
        assertThat(robot.lookup("#summary-signal").queryAs(Label.class).getText()).startsWith("SIGSEGV — SEGV_MAPERR");
        assertThat(robot.lookup("#summary-address").queryAs(Label.class).getText()).isEqualTo("0x0");
        assertThat(robot.lookup("#summary-executable").queryAs(Label.class).getText()).isEqualTo(crash.exe().toString());
        TableView<ThreadRow> threads = robot.lookup("#threads-table").queryTableView();
        assertThat(threads.getItems()).hasSize(1);
        assertThat(threads.getItems().get(0).crashed()).isTrue();
        assertThat(threads.getItems().get(0).location()).isEqualTo("store_value");
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        assertThat(stack.getItems()).extracting(FrameRow::function).startsWith("store_value");
        assertThat(stack.getItems().get(1).function()).startsWith("level3+0x");
        assertThat(stack.getItems().get(0).source()).endsWith("crash.c:" + NativePrograms.line("crash", "store"));

        robot.clickOn("Registers");
        TableView<dev.sextant.app.view.registers.RegisterRow> regs = robot.lookup("#registers-table").queryTableView();
        waitFor("the crashed thread's registers", () -> regs.getItems().stream().anyMatch(r -> r.name().equals("rip")));
        String rip = regs.getItems().stream().filter(r -> r.name().equals("rip")).findFirst().orElseThrow().hex();
        assertThat(Long.parseUnsignedLong(rip.substring(2), 16)).isEqualTo(Long.parseUnsignedLong(stack.getItems().get(0).pc().substring(2), 16));
        robot.clickOn("Modules");

        TableView<ModuleRow> modules = robot.lookup("#modules-table").queryTableView();
        int all = modules.getItems().size();
        assertThat(all).isGreaterThanOrEqualTo(3);
        robot.clickOn("#modules-filter").write("libc.so");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(modules.getItems()).hasSize(1);
        assertThat(modules.getItems().get(0).name()).isEqualTo("libc.so.6");
        assertThat(robot.lookup("#modules-count").queryAs(Label.class).getText()).isEqualTo("1 of " + all + " rows");

        robot.clickOn("Call stack");        // it shares the bottom area with Modules
        robot.clickOn(robot.lookup("#stack-table .table-row-cell").nth(1).queryAs(javafx.scene.Node.class));
        robot.press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL);
        robot.press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<String> copied = new AtomicReference<>();
        robot.interact(() -> copied.set(Clipboard.getSystemClipboard().getString()));
        assertThat(copied.get()).startsWith("\t#\tPC\tFunction\tModule\tSource\tFound by\n");
        assertThat(copied.get()).contains("\tstore_value\tcrash\t").contains("level3+0x").contains("main+0x");
        assertThat(copied.get().lines().count()).isEqualTo(1 + stack.getItems().size());
    }

    @Test void cancellingAnOpenSaysSoAndLeavesAUsableWindow(FxRobot robot) throws Exception {
        Path many = NativePrograms.compile("abortthreads", Files.createDirectories(dir.resolve("many")));
        Path bigCore = NativePrograms.coreOf(many, many.getParent(), "200");
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> {
            f.set(window.open(bigCore, Optional.empty(), Optional.empty()));
            assertThat(window.status().isBusy()).isTrue();
            // What Esc does (the scene's accelerator), at once: a key event would be queued behind the open.
            window.stage().getScene().getAccelerators().get(new javafx.scene.input.KeyCodeCombination(KeyCode.ESCAPE)).run();
        });
        assertThat(f.get()).failsWithin(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.status().text()).startsWith("Cancelled");
        assertThat(window.status().isBusy()).isFalse();
        assertThat(open(robot, crash.core())).isNotNull();
        assertThat(robot.lookup("#threads-table").queryTableView().getItems()).hasSize(1);
    }

    @Test void badInputShowsOneLineAndTheWindowStaysUsable(FxRobot robot) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty-" + System.nanoTime() + ".core"));
        assertThat(open(robot, empty)).isNull();
        NotificationPane n = robot.lookup("#notifications").queryAs(NotificationPane.class);
        assertThat(n.isShowing()).isTrue();
        assertThat(n.getText()).isEqualTo(empty + ": the file is empty, not a core file");
        assertThat(window.status().text()).isEqualTo("Could not open " + empty.getFileName());

        Path text = Files.writeString(dir.resolve("text-" + System.nanoTime() + ".core"), "not a core\n".repeat(20));
        assertThat(open(robot, text)).isNull();
        assertThat(n.getText()).startsWith(text + ": not a dump Sextant reads").contains("ELF core files").contains("minidumps");
        // the banner goes by itself: it does not stay over the window until closed
        waitFor("the notification to go", 30, () -> !n.isShowing());

        DumpReport ok = open(robot, crash.core());
        assertThat(ok).isNotNull();
        assertThat(n.isShowing()).isFalse();
        TableView<ThreadRow> threads = robot.lookup("#threads-table").queryTableView();
        assertThat(threads.getItems()).hasSize(1);
    }

    @Test void symbolSearchFindsAFunctionAtTheAddressNmGives(FxRobot robot) throws Exception {
        DumpReport r = open(robot, crash.core());
        Assumptions.assumeTrue(r != null && dev.sextant.engine.testing.NativePrograms.Tools.onPath("nm"), "no core or no nm");
        // its tab may sit in the overflow menu of a narrow area: shown through the workbench, as Ctrl+Shift+F does
        robot.interact(() -> window.workbench().select(window.workbench().tab("Symbol search").orElseThrow()));
        robot.clickOn("#symbolsearch-pattern").write("level*").type(KeyCode.ENTER);
        TableView<dev.sextant.engine.api.SymbolHit> hits = robot.lookup("#symbolsearch-table").queryTableView();
        Label status = robot.lookup("#symbolsearch-status").queryAs(Label.class);
        waitFor("the symbol search (its status: " + status.getText() + ")", () -> !hits.getItems().isEmpty());
        var hit = hits.getItems().stream().filter(h -> h.name().equals("level3")).findFirst().orElseThrow();
        Process nm = new ProcessBuilder("nm", crash.exe().toString()).redirectErrorStream(true).start();
        String text = new String(nm.getInputStream().readAllBytes());
        assertThat(nm.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long offset = text.lines().filter(l -> l.endsWith(" level3")).map(l -> Long.parseUnsignedLong(l.split(" ")[0], 16))
                .findFirst().orElseThrow();
        long base = r.modules().stream().filter(m -> m.path().equals(crash.exe().toString())).findFirst().orElseThrow().base().value();
        assertThat(hit.address().value()).isEqualTo(base + offset);
        assertThat(robot.lookup("#symbolsearch-status").queryAs(Label.class).getText()).contains("3 symbols match level*");
        // an address: ln (symbol + offset and its source line)
        String at = "0x" + Long.toHexString(base + offset + 4);
        robot.clickOn("#symbolsearch-pattern").eraseText(6).write(at).type(KeyCode.ENTER);
        waitFor("the address lookup", () -> robot.lookup("#symbolsearch-status").queryAs(Label.class).getText().startsWith(at + ": "));
        assertThat(robot.lookup("#symbolsearch-status").queryAs(Label.class).getText()).contains("crash!level3+0x4 at ").contains("crash.c:");
        assertThat(hits.getItems()).as("the pattern's results are gone: they are not what is at the address").isEmpty();
        // a pattern that matches nothing says so, and the window stays usable
        robot.clickOn("#symbolsearch-pattern").eraseText(at.length()).write("no_such_symbol_xyz").type(KeyCode.ENTER);
        waitFor("the empty result", () -> robot.lookup("#symbolsearch-status").queryAs(Label.class).getText().startsWith("No symbol matches"));
        assertThat(hits.getItems()).isEmpty();
    }

    @Test void decimalValuesIsATypeOptionTheEngineAnnounces(FxRobot robot) throws Exception {
        DumpReport r = open(robot, crash.core());
        Assumptions.assumeTrue(r != null, "no core");
        robot.clickOn("Registers");
        TableView<dev.sextant.app.view.registers.RegisterRow> regs = robot.lookup("#registers-table").queryTableView();
        waitFor("the registers", () -> !regs.getItems().isEmpty());
        dev.sextant.app.view.registers.RegisterRow first = regs.getItems().get(0);
        assertThat(regs.getColumns().get(1).getCellData(0)).isEqualTo(first.hex());
        robot.clickOn("View").clickOn("Decimal values");
        waitFor("decimal values", () -> first.decimal().equals(regs.getColumns().get(1).getCellData(0)));
        assertThat(regs.getColumns().get(2).getCellData(0)).isEqualTo(first.hex());
        // the engine raised ChangeSymbolState(TYPE_OPTIONS, mask) and the Symbol state log shows it
        TableView<dev.sextant.app.view.symbolstate.SymbolStateRow> log = robot.lookup("#symbolstate-table").queryTableView();
        waitFor("the TYPE_OPTIONS notification", () -> log.getItems().stream().anyMatch(x -> x.flags().equals("TYPE_OPTIONS")));
    }
}
