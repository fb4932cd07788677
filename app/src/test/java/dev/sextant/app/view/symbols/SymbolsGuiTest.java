package dev.sextant.app.view.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.modules.ModuleRow;
import dev.sextant.app.view.symbollog.SymbolLogRow;
import dev.sextant.app.view.symbolstate.SymbolStateRow;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.testing.SplitDebugProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Modules table's symbol column on a real core whose executable's DWARF is served by a
 * throttled debuginfod look-alike on 127.0.0.1: the crash frame's module goes deferred → loading
 * n%, is cancelled with the Cancel button (a cancelled row that lists where it looked), then Retry
 * loads it from debuginfod. Also the settings dialog's path edit reaching the engine as PATHS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SymbolsGuiTest extends WindowTest {
    @TempDir static Path dir;
    static SplitDebugProgram prog;
    /** The executable row's symbol states as the table reported them, repeats dropped. */
    final List<String> history = new CopyOnWriteArrayList<>();

    @BeforeAll static void build() throws Exception {
        String missing = SplitDebugProgram.toolsMissing();
        Assumptions.assumeTrue(missing.isEmpty(), missing);
        prog = SplitDebugProgram.build(dir);
    }

    @Override protected String diagnostics() {
        return "; rows: " + ((TableView<?>) window.stage().getScene().lookup("#modules-table")).getItems() + "; dupmain's states: " + history;
    }

    static Optional<ModuleRow> exeRow(TableView<ModuleRow> t) {
        return t.getItems().stream().filter(r -> r.name().equals("dupmain")).findFirst();
    }

    /** The text of the Symbols cell shown for the executable's row: what the user sees, not the model. */
    static String shownStatus(TableView<ModuleRow> table) {
        WaitForAsyncUtils.asyncFx(() -> table.scrollTo(exeRow(table).orElseThrow()));
        WaitForAsyncUtils.waitForFxEvents();
        return table.lookupAll(".table-cell").stream()
                .filter(n -> n instanceof javafx.scene.control.TableCell<?, ?> c && c.getTableColumn() != null
                        && "modules-symbol-status".equals(c.getTableColumn().getId()) && c.getTableRow() != null
                        && c.getTableRow().getItem() instanceof ModuleRow r && r.name().equals("dupmain") && c.isVisible())
                .map(n -> ((javafx.scene.control.TableCell<?, ?>) n).getText()).findFirst().orElse("(no cell shown; cells: "
                        + table.lookupAll(".table-cell").stream().map(n -> n instanceof javafx.scene.control.TableCell<?, ?> c
                                ? (c.getTableColumn() == null ? "?" : c.getTableColumn().getId()) + "/" + (c.getTableRow() == null ? "-" : c.getTableRow().getItem()) + "/" + c.getText()
                                : n.toString()).toList() + ")");
    }

    @Test void aRowGoesDeferredLoadingCancelledThenRetriedToLoaded(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Debuginfod.unavailableReason().isEmpty(), "libdebuginfod1 not installed");
        // The crash frame's module loads first, as soon as the core is open: 8 MiB, slowed to 130 KB/s after 256 KiB
        // until Retry (about a minute), so that the window shows it in flight and Cancel reaches it on a loaded machine
        // (the window took 16 s to open the core, and followed a 5 s transfer 10 s late, at a load of 24 on 2 cores).
        Path gate = dir.resolve("transfers-go-on");
        Files.deleteIfExists(gate);
        Path padded = SplitDebugProgram.padded(prog.debugFile(), 8 << 20, dir.resolve("padded-8m.debug"));
        try (SplitDebugProgram.SlowServer server = SplitDebugProgram.serveHeld(dir, padded, 256 << 10, gate)) {
            window.symbols().setPath("own;debuginfod*" + dir.resolve("cache") + "*" + server.url()).get(30, TimeUnit.SECONDS);
            TableView<ModuleRow> table = robot.lookup("#modules-table").queryTableView();
            robot.interact(() -> table.getItems().addListener((ListChangeListener<ModuleRow>) c ->
                    exeRow(table).map(ModuleRow::symbolStatus).filter(s -> !s.isEmpty()).filter(s -> history.isEmpty() || !history.get(history.size() - 1).equals(s))
                            .ifPresent(history::add)));
            robot.interact(() -> window.open(prog.core(), Optional.of(prog.exe()), Optional.empty()));
            // Two steps of progress seen before Cancel: the row follows the transfer, not only its end.
            waitFor("the crash frame's module downloading",
                    () -> history.stream().filter(st -> st.matches("loading [1-9]\\d?%")).count() >= 2
                            && exeRow(table).map(r -> r.symbolStatus().matches("loading [1-9]\\d?%")).orElse(false));
            waitFor("the overall progress in the status bar", () -> window.status().symbolText().startsWith("Symbols: "));

            robot.clickOn("Modules");
            robot.interact(() -> {
                table.getSelectionModel().clearSelection();
                table.getSelectionModel().select(exeRow(table).orElseThrow());
            });
            Button cancel = robot.lookup("#modules-cancel").queryButton();
            assertThat(cancel.isDisabled()).as("Cancel with a row selected").isFalse();
            robot.interact(cancel::fire);     // fire(): the details pane may lie outside the headless screen
            waitFor("the cancelled row (seen: " + history + ")", () -> exeRow(table).map(r -> r.symbolStatus().equals("cancelled")).orElse(false));
            assertThat(shownStatus(table)).as("the Symbols cell on screen follows the row").isEqualTo("cancelled");
            ListView<String> places = robot.lookup("#modules-symbol-places").queryListView();
            assertThat(places.getItems()).anySatisfy(p -> assertThat(p).startsWith("cancelled:").contains(server.url()));

            Files.createFile(gate);
            robot.interact(robot.lookup("#modules-retry").queryButton()::fire);
            waitFor("the retried load", 90, () -> exeRow(table).map(r -> r.symbolStatus().startsWith("loaded from")).orElse(false));
            assertThat(exeRow(table).orElseThrow().symbolStatus()).isEqualTo("loaded from debuginfod");
            assertThat(shownStatus(table)).isEqualTo("loaded from debuginfod");
            // The executable is the first module and its frame the crash's: its load starts as the core opens, and the
            // row may be shown already loading (it was deferred first when libdwfl's module order put libc first).
            assertThat(history.get(0)).matches("deferred|loading( \\d+%)?");
            List<String> phases = history.stream().map(s -> s.startsWith("loading") ? "loading" : s).distinct().toList();
            assertThat(history.stream().map(s -> s.startsWith("loading") ? "loading" : s).toList())
                    .containsSubsequence("loading", "cancelled", "loading", "loaded from debuginfod");
            assertThat(phases).doesNotContain("failed");
            assertThat(history.stream().filter(s -> s.matches("loading \\d+%")).count()).as("history " + history).isGreaterThanOrEqualTo(2);
            assertThat(places.getItems()).anySatisfy(p -> assertThat(p).startsWith("found:").contains(server.url()));

            robot.clickOn("Symbol load log");
            TableView<SymbolLogRow> log = robot.lookup("#symbollog-table").queryTableView();
            assertThat(log.getItems()).anySatisfy(r -> assertThat(r.text()).contains("downloading debug info for"));
            waitFor("the status bar's symbol progress to end", () -> window.status().symbolText().isEmpty());
        }
    }

    @Test void theSettingsDialogSendsPathAndOptionsThroughTheEngine(FxRobot robot) throws Exception {
        javafx.application.Platform.runLater(() -> window.symbols().editSettings(window.stage()));   // showAndWait: not inside interact
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#symbol-path-new").write("build-id=" + prog.buildIdRoot());
        robot.clickOn("#symbol-path-add");
        ListView<String> list = robot.lookup("#symbol-path-list").queryListView();
        robot.interact(() -> list.getSelectionModel().select(list.getItems().size() - 1));
        robot.clickOn("#symbol-path-up");
        assertThat(list.getItems().get(list.getItems().size() - 2)).isEqualTo("build-id=" + prog.buildIdRoot());
        robot.clickOn("#symbol-option-DEBUG");
        robot.clickOn((Button) robot.lookup(".dialog-pane .button").match(n -> n instanceof Button b && b.isDefaultButton()).query());
        TableView<SymbolStateRow> states = robot.lookup("#symbolstate-table").queryTableView();
        waitFor("the PATHS and SYMBOL_OPTIONS notifications", () -> states.getItems().stream().anyMatch(r -> r.flags().equals("PATHS"))
                && states.getItems().stream().anyMatch(r -> r.flags().equals("SYMBOL_OPTIONS")));
        assertThat(window.symbols().path()).contains("build-id=" + prog.buildIdRoot());
        waitFor("the options in force", () -> window.symbols().options().contains(SymbolOption.DEBUG));
    }
}
