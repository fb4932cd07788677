package dev.sextant.app.view.unwind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DynamicTable;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The Unwind tables view on a real core: a module's FDEs as readelf counts them, the address search, the rows; dynamic tables come and go. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnwindTablesGuiTest extends WindowTest {
    @TempDir static Path dir;
    static NativePrograms.Crashed crash;

    @BeforeAll static void makeCore() throws Exception { crash = crashCore(); }

    /**
     * A live JIT (jit.c, attached while it waits): the table it registers through the GDB JIT
     * interface shows up, goes and comes back as the program registers, unregisters and registers;
     * after a break, the Call stack marks the generated function's frame as found by a dynamic table.
     */
    @Test void liveJitTablesAppearInTheViewAndMarkTheirFrame(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/sys/kernel/yama/ptrace_scope"))
                ? Files.readString(Path.of("/proc/sys/kernel/yama/ptrace_scope")).strip().equals("0") : true,
                "ptrace_scope forbids attaching to a non-child");
        Path jit = NativePrograms.compile("jit", dir);
        Path go = dir.resolve("gui.go"), out = dir.resolve("jit.out");
        // Started through sh and backgrounded so that it is not the JVM's child (the JVM reaps its children).
        new ProcessBuilder("sh", "-c", "\"$0\" cycle \"$1\" </dev/null >\"$2\" 2>&1 &", jit.toString(), go.toString(), out.toString())
                .start().waitFor(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Files.exists(out) && Files.readString(out).startsWith("ready "));
        int pid = Integer.parseInt(Files.readString(out).lines().findFirst().orElseThrow().substring(6).strip());
        try {
            AtomicReference<CompletableFuture<?>> attached = new AtomicReference<>();
            robot.interact(() -> attached.set(window.debug().attach(pid)));
            attached.get().get(60, TimeUnit.SECONDS);
            robot.clickOn("Unwind tables");
            TableView<TableSourceRow> sources = robot.lookup("#unwind-sources-table").queryTableView();
            assertThat(sources.getItems()).noneMatch(r -> r.table().isPresent());
            robot.interact(() -> window.debug().cont());
            WaitForAsyncUtils.waitForFxEvents();
            Files.createFile(go);
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Files.readString(out).contains("blocked"));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(sources.getItems()).filteredOn(r -> r.table().isPresent()).hasSize(1);
            pickJitTableAndCheckItsFunction(robot, sources);

            robot.interact(() -> window.debug().pause());
            TableView<dev.sextant.app.view.stack.FrameRow> stack = robot.lookup("#stack-table").queryTableView();
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> stack.getItems().stream().anyMatch(r -> r.function().startsWith("jit_fn")));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(stack.getItems()).filteredOn(r -> r.function().startsWith("jit_fn")).singleElement().satisfies(r -> {
                assertThat(r.how()).isEqualTo("dynamic table");
                assertThat(r.module()).isEqualTo("[GDB JIT interface]");
            });
            assertThat(stack.getItems()).anySatisfy(r -> assertThat(r.function()).startsWith("main+"));
            robot.interact(() -> window.debug().detach());
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A core of jit.c crashing in its registered code: the table found in the core's memory is listed, with the function. */
    @Test void aCoresJitTableIsListedFromItsMemory(FxRobot robot) throws Exception {
        Path jit = NativePrograms.compile("jit", dir);
        Path jitCore = NativePrograms.coreOf(jit, dir, "gdb-jit-crash");
        AtomicReference<CompletableFuture<?>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(jitCore, Optional.of(jit), Optional.empty())));
        f.get().get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("Unwind tables");
        TableView<TableSourceRow> sources = robot.lookup("#unwind-sources-table").queryTableView();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> sources.getItems().stream().anyMatch(r -> r.table().isPresent()));
        pickJitTableAndCheckItsFunction(robot, sources);
    }

    /** Picks the GDB JIT table in the sources list: its one entry is jit.c's function, with its 3 CFI rows. */
    private static void pickJitTableAndCheckItsFunction(FxRobot robot, TableView<TableSourceRow> sources) {
        TableSourceRow dyn = sources.getItems().stream().filter(r -> r.table().isPresent()).findFirst().orElseThrow();
        assertThat(dyn.kind()).isEqualTo("dynamic: GDB JIT interface");
        robot.interact(() -> sources.getSelectionModel().select(dyn));
        TableView<UnwindEntryRow> entries = robot.lookup("#unwind-entries-table").queryTableView();
        assertThat(entries.getItems()).singleElement().satisfies(r -> {
            assertThat(r.symbol()).isEqualTo("jit_fn");
            assertThat(r.unwind()).isEqualTo("CFI, 3 rows");
        });
    }

    @Test void moduleEntriesMatchReadelfAndDynamicTablesAppearAndVanish(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("readelf"), "readelf (the reference) is not installed");
        AtomicReference<CompletableFuture<?>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(crash.core(), Optional.empty(), Optional.empty())));
        f.get().get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("Unwind tables");
        TableView<TableSourceRow> sources = robot.lookup("#unwind-sources-table").queryTableView();
        TableSourceRow crashRow = sources.getItems().stream().filter(r -> r.name().equals("crash")).findFirst().orElseThrow();
        robot.interact(() -> sources.getSelectionModel().select(crashRow));
        TableView<UnwindEntryRow> entries = robot.lookup("#unwind-entries-table").queryTableView();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !entries.getItems().isEmpty());

        NativePrograms.Tools.Result readelf = NativePrograms.Tools.run(dir, 60, List.of("readelf", "--debug-dump=frames", crash.exe().toString()));
        long fdes = readelf.stdout().lines().filter(l -> l.matches("^[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ FDE .*")).count();
        assertThat(entries.getItems()).hasSize((int) fdes);

        UnwindEntryRow main = entries.getItems().stream().filter(r -> r.symbol().equals("main")).findFirst().orElseThrow();
        // Typed into the box and Enter, as a user does; set on the FX thread rather than through pointer
        // clicks, which missed the box once in a full run (the selection stayed empty).
        javafx.scene.control.TextField address = robot.lookup("#unwind-address").queryAs(javafx.scene.control.TextField.class);
        robot.interact(() -> {
            address.setText("0x" + Long.toHexString(main.startValue() + 1));
            address.fireEvent(new javafx.event.ActionEvent());
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(entries.getSelectionModel().getSelectedItem()).isEqualTo(main);
        TextArea detail = robot.lookup("#unwind-detail").queryAs(TextArea.class);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> detail.getText().contains("LOC"));
        assertThat(detail.getText()).contains("pc 0x" + Long.toHexString(main.startValue())).contains("rsp+8").contains("rbp");

        // libc, stripped: with its debug file installed (libc6-dbg), its static functions are named from it
        TableSourceRow libc = sources.getItems().stream().filter(r -> r.name().startsWith("libc.so")).findFirst().orElseThrow();
        robot.interact(() -> sources.getSelectionModel().select(libc));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> entries.getItems().size() > 1000);
        Path libcFile = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");
        Optional<String> id = dev.sextant.engine.format.elf.BuildId.ofFile(libcFile);
        if (id.isPresent() && Files.isRegularFile(Path.of("/usr/lib/debug/.build-id", id.get().substring(0, 2), id.get().substring(2) + ".debug"))) {
            // the status says where the names came from once the listing is complete (rows arrive before it)
            waitFor("the unwind status naming libc's debug file", () -> !robot.lookup("#unwind-status").queryLabeled().getText().startsWith("Reading"));
            String status = robot.lookup("#unwind-status").queryLabeled().getText();
            assertThat(status).contains("names from /usr/lib/debug/.build-id/" + id.get().substring(0, 2) + "/");
            Set<String> exported = NativePrograms.Tools.run(dir, 60, List.of("nm", "-D", "--defined-only", libcFile.toString())).stdout()
                    .lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).collect(java.util.stream.Collectors.toSet());
            assertThat(entries.getItems()).filteredOn(r -> !r.symbol().isEmpty() && !exported.contains(r.symbol())).hasSizeGreaterThan(500);
        } else {
            waitFor("the unwind listing complete", () -> !robot.lookup("#unwind-status").queryLabeled().getText().startsWith("Reading"));
            assertThat(robot.lookup("#unwind-status").queryLabeled().getText()).doesNotContain("names from");
        }

        DynamicTable jit = new DynamicTable(0x7000_0000_0003L, Address.of(0x7000_0000_0000L), 0x40, "GDB JIT interface",
                List.of(new DynamicTable.Function(Address.of(0x7000_0000_0000L), Address.of(0x7000_0000_0015L), Optional.of("jit_fn"),
                        "CFI, 3 rows", "LOC CFA\n")));
        robot.interact(() -> window.bridge().onEvent(new DebugEvent.DynamicTableChanged(Long.MAX_VALUE, jit, false)));
        WaitForAsyncUtils.waitForFxEvents();
        TableSourceRow dyn = sources.getItems().stream().filter(r -> r.table().isPresent()).findFirst().orElseThrow();
        assertThat(dyn.kind()).isEqualTo("dynamic: GDB JIT interface");
        robot.interact(() -> sources.getSelectionModel().select(dyn));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(entries.getItems()).singleElement().satisfies(r -> {
            assertThat(r.symbol()).isEqualTo("jit_fn");
            assertThat(r.unwind()).isEqualTo("CFI, 3 rows");
        });
        robot.interact(() -> window.bridge().onEvent(new DebugEvent.DynamicTableChanged(Long.MAX_VALUE, jit, true)));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(sources.getItems()).noneMatch(r -> r.table().isPresent());
        assertThat(entries.getItems()).isEmpty();
    }
}
