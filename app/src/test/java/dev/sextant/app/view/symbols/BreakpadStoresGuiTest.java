package dev.sextant.app.view.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.Screenshot;
import dev.sextant.app.WindowTest;
import dev.sextant.app.view.modules.ModuleRow;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.app.view.symbollog.SymbolLogRow;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.testing.Corpus;
import dev.sextant.engine.testing.LinuxMiniStore;
import dev.sextant.engine.testing.SymbolServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A minidump's Breakpad symbol loads in the window, from a real HTTP store on 127.0.0.1: the crash
 * module's row goes loading n% (the status bar's symbol progress with it), is cancelled with the
 * Modules view's Cancel while the dump opens, and the dump opens with that module's frames unnamed;
 * a load that completes names them. Retry (Ctrl+R) of a lookup that failed while the server was down,
 * and Load (the row's context menu, Ctrl+L) of a lookup cancelled at the open or of a module no frame
 * needed, name the frames in the stack view without reopening the dump. And the settings dialog's
 * Breakpad stores: added, refused when bad (said in the dialog), edited, ordered, removed, and used by
 * the next minidump opened.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BreakpadStoresGuiTest extends WindowTest {
    @TempDir static Path shared;
    static Path cache;
    Path dump;
    /** The crash module's symbol states as its row showed them, repeats dropped. */
    final List<String> history = new CopyOnWriteArrayList<>();

    // The engine (a child process) takes sextant.* properties when it starts, before a test's own @BeforeEach.
    @BeforeAll static void downloadCache() {
        cache = shared.resolve("cache");
        System.setProperty(SymbolStores.CACHE_PROPERTY, cache.toString());
    }

    @AfterAll static void noCache() {
        System.clearProperty(SymbolStores.CACHE_PROPERTY);
    }

    @BeforeEach void emptyCache() throws Exception {
        dump = Corpus.require("minidump/rust-minidump/linux-mini.dmp");
        if (Files.exists(cache)) try (var all = Files.walk(cache)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override protected String diagnostics() { return "; crash's states: " + history; }

    static Optional<ModuleRow> crashRow(TableView<ModuleRow> t) {
        return t.getItems().stream().filter(r -> r.name().equals(LinuxMiniStore.MODULE)).findFirst();
    }

    TableView<ModuleRow> followCrashRow(FxRobot robot) {
        TableView<ModuleRow> table = robot.lookup("#modules-table").queryTableView();
        robot.interact(() -> table.getItems().addListener((ListChangeListener<ModuleRow>) c ->
                crashRow(table).map(ModuleRow::symbolStatus).filter(s -> !s.isEmpty())
                        .filter(s -> history.isEmpty() || !history.get(history.size() - 1).equals(s)).ifPresent(history::add)));
        return table;
    }

    CompletableFuture<DumpReport> open(FxRobot robot) {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(dump, Optional.empty(), Optional.empty())));
        return f.get();
    }

    /** Opens the dump with {@code server}'s store; answers once the crash module's download is seen in flight (two steps). */
    CompletableFuture<DumpReport> openWhileDownloading(FxRobot robot, SymbolServer server) throws Exception {
        window.symbols().setPath("own;breakpad=" + server.url("store")).get(30, TimeUnit.SECONDS);
        CompletableFuture<DumpReport> opening = open(robot);
        waitFor("the crash module downloading", () -> history.stream().filter(s -> s.matches("loading [1-9]\\d?%")).count() >= 2);
        return opening;
    }

    List<String> functions(FxRobot robot) {
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        return stack.getItems().stream().map(FrameRow::function).toList();
    }

    @Test void aSlowDownloadShowsItsProgressAndIsCancelledFromTheModulesView(FxRobot robot) throws Exception {
        // 8 MiB in 16 KiB pieces 40 ms apart: 20 s on the wire, so that Cancel lands mid-transfer on a loaded machine
        // (with 2 MiB, at a load of 25 on 2 cores, the window had selected the row only when 94% had come).
        Path store = LinuxMiniStore.write(dir.resolve("served"), 8 << 20);
        try (SymbolServer server = SymbolServer.serveSlowly(store, 16 << 10, Duration.ofMillis(40))) {
            TableView<ModuleRow> table = followCrashRow(robot);
            CompletableFuture<DumpReport> opening = openWhileDownloading(robot, server);
            waitFor("the symbol progress in the status bar", () -> window.status().symbolText().startsWith("Symbols: 0 of 1"));
            assertThat(opening).as("the dump waits for its symbols").isNotDone();

            robot.clickOn("Modules");
            robot.interact(() -> {
                table.getSelectionModel().clearSelection();
                table.getSelectionModel().select(crashRow(table).orElseThrow());
            });
            robot.interact(() -> screenshot(Path.of("target", "screenshots", "breakpad-store-loading.png")));
            Button cancel = robot.lookup("#modules-cancel").queryButton();
            robot.interact(cancel::fire);     // fire(): the details pane may lie outside the headless screen
            opening.get(30, TimeUnit.SECONDS);
            waitFor("the cancelled row", () -> crashRow(table).map(r -> r.symbolStatus().equals("cancelled")).orElse(false));
            ListView<String> places = robot.lookup("#modules-symbol-places").queryListView();
            waitFor("where it looked", () -> !places.getItems().isEmpty());
            assertThat(places.getItems()).containsExactly("cancelled: Breakpad symbol server " + server.url("store") + "/crash/"
                    + LinuxMiniStore.ID + "/crash.sym");
            // Without the module's CFI and symbols the walk stops soon: the crash frame, named by module and offset.
            waitFor("the crashed thread's frames", () -> !robot.lookup("#stack-table").queryTableView().getItems().isEmpty());
            assertThat(functions(robot)).as("the dump opened, its crash frames unnamed").doesNotContain("write_it")
                    .noneMatch(f -> f.startsWith("crash_the_program")).first().asString().startsWith("crash!0x");
            assertThat(Files.exists(cache.resolve("crash/" + LinuxMiniStore.ID + "/crash.sym"))).as("nothing cached").isFalse();

            robot.clickOn("Symbol load log");
            TableView<SymbolLogRow> log = robot.lookup("#symbollog-table").queryTableView();
            assertThat(log.getItems()).anySatisfy(r -> assertThat(r.text()).startsWith("downloading symbols for crash: "))
                    .anySatisfy(r -> assertThat(r.text()).isEqualTo("symbol load cancelled"));
            waitFor("the status bar's symbol progress to end", () -> window.status().symbolText().isEmpty());
        }
    }

    @Test void aCompletedLoadNamesTheModulesFrames(FxRobot robot) throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("served"), 600 << 10);
        try (SymbolServer server = SymbolServer.serveSlowly(store, 16 << 10, Duration.ofMillis(10))) {
            window.symbols().setPath("own;" + server.url("missing") + ";breakpad=" + server.url("store")).get(30, TimeUnit.SECONDS);
            TableView<ModuleRow> table = followCrashRow(robot);
            open(robot).get(60, TimeUnit.SECONDS);
            waitFor("the loaded row", () -> crashRow(table).map(r -> r.symbolStatus().equals("loaded from Breakpad symbol server")).orElse(false));
            assertThat(history.stream().map(s -> s.startsWith("loading") ? "loading" : s).distinct().toList())
                    .containsExactly("loading", "loaded from Breakpad symbol server");
            TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
            waitFor("the crashed thread's frames", () -> stack.getItems().size() >= 2);
            assertThat(stack.getItems().get(0).function()).isEqualTo("write_it");
            assertThat(stack.getItems().get(0).source()).isEqualTo("/work/linux/util.h:3");
            assertThat(stack.getItems().get(1).function()).isEqualTo("crash_the_program+0x22");
            String rel = "/crash/" + LinuxMiniStore.ID + "/crash.sym";
            robot.clickOn("Modules");
            robot.interact(() -> table.getSelectionModel().select(crashRow(table).orElseThrow()));
            ListView<String> places = robot.lookup("#modules-symbol-places").queryListView();
            waitFor("where it looked", () -> places.getItems().size() == 2);
            assertThat(places.getItems()).containsExactly("not found: Breakpad symbol server " + server.url("missing") + rel,
                    "found: Breakpad symbol server " + server.url("store") + rel);
        }
    }

    /** The crash module's row selected in the Modules view, the table focused (its keys are the row's). */
    void selectCrashRow(FxRobot robot, TableView<ModuleRow> table) {
        robot.clickOn("Modules");
        robot.interact(() -> {
            table.getSelectionModel().clearSelection();
            table.getSelectionModel().select(crashRow(table).orElseThrow());
            table.requestFocus();
        });
    }

    /** The window as it is now, in target/screenshots/{@code name}. */
    void shot(FxRobot robot, String name) throws Exception {
        Path png = Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
        robot.interact(() -> screenshot(png));
    }

    void assertNamedFrames(FxRobot robot) throws Exception {
        robot.clickOn("Call stack");        // it shares the bottom area with Modules
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the crash frames named", () -> stack.getItems().size() >= 2 && stack.getItems().get(0).function().equals("write_it"));
        // As crash.sym says: write_it (util.h:3) inlined into crash_the_program.
        assertThat(stack.getItems().get(0).source()).isEqualTo("/work/linux/util.h:3");
        assertThat(stack.getItems().get(1).function()).isEqualTo("crash_the_program+0x22");
    }

    @Test void retryLoadsALookupThatFailedWhileTheServerWasDownAndNamesTheFrames(FxRobot robot) throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("served"), 0);
        try (SymbolServer server = SymbolServer.serve(store)) {
            server.failStore(true);
            window.symbols().setPath("own;breakpad=" + server.url("store")).get(30, TimeUnit.SECONDS);
            TableView<ModuleRow> table = followCrashRow(robot);
            open(robot).get(60, TimeUnit.SECONDS);
            waitFor("the failed row", () -> crashRow(table).map(r -> r.symbolStatus().startsWith("failed: ")).orElse(false));
            waitFor("the crashed thread's frames", () -> !functions(robot).isEmpty());
            assertThat(functions(robot)).as("unnamed while the server is down").first().asString().startsWith("crash!0x");

            server.failStore(false);
            selectCrashRow(robot, table);
            robot.push(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN));
            waitFor("the retried row", () -> crashRow(table).map(r -> r.symbolStatus().equals("loaded from Breakpad symbol server")).orElse(false));
            ListView<String> places = robot.lookup("#modules-symbol-places").queryListView();
            waitFor("where it looked", () -> places.getItems().size() == 1);
            assertThat(places.getItems()).containsExactly("found: Breakpad symbol server " + server.url("store") + "/crash/"
                    + LinuxMiniStore.ID + "/crash.sym");
            shot(robot, "breakpad-retry-modules.png");
            assertThat(history.stream().map(s -> s.startsWith("loading") ? "loading" : s.startsWith("failed: ") ? "failed" : s).toList())
                    .containsSubsequence("loading", "failed", "loading", "loaded from Breakpad symbol server");
            assertNamedFrames(robot);
            shot(robot, "breakpad-retry-stack.png");
            waitFor("the status bar's symbol progress to end", () -> window.status().symbolText().isEmpty());
        }
    }

    @Test void loadLooksUpAModuleCancelledAtTheOpenAndOneNoFrameNeeded(FxRobot robot) throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("served"), 8 << 20);
        try (SymbolServer server = SymbolServer.serveSlowly(store, 16 << 10, Duration.ofMillis(40))) {
            TableView<ModuleRow> table = followCrashRow(robot);
            CompletableFuture<DumpReport> opening = openWhileDownloading(robot, server);
            selectCrashRow(robot, table);
            robot.interact(robot.lookup("#modules-cancel").queryButton()::fire);
            opening.get(30, TimeUnit.SECONDS);
            waitFor("the cancelled row", () -> crashRow(table).map(r -> r.symbolStatus().equals("cancelled")).orElse(false));
            int cancelledAt = history.size();

            // Load from the row's context menu: the download again, with its progress, then the names.
            javafx.scene.control.MenuItem load = table.getContextMenu().getItems().stream()
                    .filter(i -> "Load symbols".equals(i.getText())).findFirst().orElseThrow();
            robot.interact(load::fire);
            waitFor("the crash module downloading again", () -> history.subList(cancelledAt, history.size()).stream()
                    .anyMatch(s -> s.matches("loading [1-9]\\d?%")));
            waitFor("the symbol progress in the status bar", () -> window.status().symbolText().startsWith("Symbols: 0 of 1"));
            shot(robot, "breakpad-load-loading.png");
            waitFor("the loaded row", 90, () -> crashRow(table).map(r -> r.symbolStatus().equals("loaded from Breakpad symbol server")).orElse(false));
            assertNamedFrames(robot);

            // A module no frame needed is deferred; once its file is in the store, Ctrl+L loads it.
            robot.clickOn("Modules");
            ModuleRow deferred = table.getItems().stream().filter(r -> r.symbolStatus().equals("deferred")).findFirst()
                    .orElseThrow(() -> new AssertionError("no deferred row in " + table.getItems()));
            var record = dev.sextant.engine.format.minidump.Minidump.open(dump).modules().stream()
                    .filter(m -> dev.sextant.engine.api.Address.of(m.base()).toString().equals(deferred.base())).findFirst().orElseThrow();
            var key = dev.sextant.engine.breakpad.StoreKey.of(record).orElseThrow();
            Path sym = store.resolve(key.path());
            Files.createDirectories(sym.getParent());
            Files.writeString(sym, "MODULE Linux x86_64 " + key.id() + " " + key.name() + "\nFUNC 10 8 0 first_thing\n");
            robot.interact(() -> {
                table.getSelectionModel().clearSelection();
                table.getSelectionModel().select(deferred);
                table.requestFocus();
            });
            robot.push(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN));
            waitFor("the deferred module loaded", () -> table.getItems().stream()
                    .anyMatch(r -> r.base().equals(deferred.base()) && r.symbolStatus().equals("loaded from Breakpad symbol server (no lines)")));
            shot(robot, "breakpad-load-deferred.png");
        }
    }

    @Test void theSettingsDialogEditsTheBreakpadStoresAndTheNextDumpUsesThem(FxRobot robot) throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("store"), 0);
        Path empty = Files.createDirectories(dir.resolve("empty store"));
        javafx.application.Platform.runLater(() -> window.symbols().editSettings(window.stage()));   // showAndWait: not inside interact
        WaitForAsyncUtils.waitForFxEvents();
        ListView<String> stores = robot.lookup("#breakpad-store-list").queryListView();
        Label problem = robot.lookup("#breakpad-store-problem").queryAs(Label.class);

        add(robot, "ftp://symbols.example.org/store");
        assertThat(problem.getText()).contains("'ftp://symbols.example.org/store' is not an http(s) URL");
        add(robot, dir.resolve("nowhere").toString());
        assertThat(problem.getText()).startsWith("no directory " + dir.resolve("nowhere"));
        assertThat(stores.getItems()).isEmpty();
        add(robot, empty.toString());
        assertThat(problem.getText()).isEmpty();
        add(robot, "https://symbols.example.org/try/");
        add(robot, store.toString());
        assertThat(stores.getItems()).containsExactly(empty.toString(), "https://symbols.example.org/try/", store.toString());

        // Edited in place: a bad edit is refused (and said), a good one taken.
        edit(robot, stores, 1, "symbols.example.org://x");
        assertThat(problem.getText()).contains("is not an http(s) URL");
        assertThat(stores.getItems().get(1)).isEqualTo("https://symbols.example.org/try/");
        edit(robot, stores, 1, "http://127.0.0.1:9/none");
        assertThat(stores.getItems().get(1)).isEqualTo("http://127.0.0.1:9/none");
        // Ordered: the real store first; the empty one removed.
        robot.interact(() -> stores.getSelectionModel().select(2));
        robot.clickOn("#breakpad-store-up");
        robot.clickOn("#breakpad-store-up");
        robot.interact(() -> stores.getSelectionModel().select(empty.toString()));
        robot.clickOn("#breakpad-store-remove");
        assertThat(stores.getItems()).containsExactly(store.toString(), "http://127.0.0.1:9/none");
        robot.interact(() -> {
            try {
                Path png = Path.of("target", "screenshots", "symbol-settings-breakpad.png");
                Files.createDirectories(png.getParent());
                Screenshot.write(stores.getScene().snapshot(null), png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        robot.clickOn((Button) robot.lookup(".dialog-pane .button").match(n -> n instanceof Button b && b.isDefaultButton()).query());
        waitFor("the path in force", () -> window.symbols().path().contains("breakpad=" + store));
        assertThat(window.symbols().path()).endsWith(";breakpad=" + store + ";breakpad=http://127.0.0.1:9/none");

        TableView<ModuleRow> table = followCrashRow(robot);
        open(robot).get(60, TimeUnit.SECONDS);
        waitFor("the loaded row", () -> crashRow(table).map(r -> r.symbolStatus().equals("loaded from Breakpad store")).orElse(false));
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the crashed thread's frames", () -> stack.getItems().size() >= 2);
        assertThat(stack.getItems().get(0).function()).isEqualTo("write_it");
        assertThat(stack.getItems().get(1).function()).isEqualTo("crash_the_program+0x22");
    }

    private static void add(FxRobot robot, String entry) {
        robot.clickOn("#breakpad-store-new").write(entry);
        robot.clickOn("#breakpad-store-add");
        robot.interact(() -> ((javafx.scene.control.TextField) robot.lookup("#breakpad-store-new").query()).clear());
    }

    private static void edit(FxRobot robot, ListView<String> list, int index, String text) {
        robot.interact(() -> list.edit(index));
        javafx.scene.control.TextField field = robot.lookup("#breakpad-store-list .text-field").queryAs(javafx.scene.control.TextField.class);
        robot.interact(() -> field.setText(text));
        robot.clickOn(field).type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
    }
}
