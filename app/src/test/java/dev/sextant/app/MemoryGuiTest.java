package dev.sextant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.view.memory.MemoryRow;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Memory view on the live demo: at {@code orders_done} (found by nm plus the load base in
 * /proc/PID/maps) it shows what /proc/PID/mem holds, follows the next stop and marks the counter's
 * changed bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryGuiTest extends WindowTest {


    static byte[] procMem(int pid, long address, int length) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile("/proc/" + pid + "/mem", "r")) {
            f.seek(address);
            byte[] b = new byte[length];
            f.readFully(b);
            return b;
        }
    }

    /** The demo's {@code orders_done} counter as /proc/PID/mem shows it now. */
    static long counter(int pid, long address) {
        try {
            return ByteBuffer.wrap(procMem(pid, address, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read orders_done of " + pid, e);
        }
    }

    /** Where {@code orders_done} lives in the running demo, from nm and /proc/PID/maps (not from Sextant). */
    static long ordersDone(int pid, Path exe) throws Exception {
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

    static boolean shows(TableView<MemoryRow> table, long address, byte[] expected) {
        int index = (int) ((address - table.getItems().get(0).address().value()) / MemoryRow.WIDTH);
        if (index < 0 || index >= table.getItems().size()) return false;
        MemoryRow row = table.getItems().get(index);
        int off = (int) (address - row.address().value());
        for (int i = 0; i < expected.length; i++) {
            var c = row.cells().get(off + i);
            if (c.value().isEmpty() || c.value().getAsInt() != (expected[i] & 0xff)) return false;
        }
        return true;
    }

    @Test void showsTheBytesOfAGlobalAndFollowsTheStop(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc") && Tools.onPath("nm"), "no C compiler or nm for the demo");
        ProcessInfo p = launchDemo(robot);
        int pid = p.pid().value();
        try {
            waitFor("the demo to run", () -> window.debug().running().get());
            long address = ordersDone(pid, DemoProgram.prepare());
            waitFor("process_order to count a few orders", () -> counter(pid, address) >= 3);
            robot.interact(() -> window.debug().pause());
            waitFor("the break", () -> !window.debug().running().get() && window.status().text().contains("Stopped"));

            robot.press(KeyCode.CONTROL).press(KeyCode.G).release(KeyCode.G).release(KeyCode.CONTROL);
            robot.write("orders_done").press(KeyCode.ENTER).release(KeyCode.ENTER);
            TableView<MemoryRow> table = robot.lookup("#memory-table").queryTableView();
            waitFor("the address", () -> window.stage().getScene().lookup("#memory-message") instanceof javafx.scene.control.Label l
                    && l.getText().equals("orders_done = 0x" + Long.toHexString(address)));
            byte[] first = procMem(pid, address, 8);
            assertThat(first).isNotEqualTo(new byte[8]);         // the counter has counted
            waitFor("the counter's bytes as /proc/PID/mem has them", () -> shows(table, address, first));
            assertThat(table.getSelectionModel().getSelectedItem().address().value()).isEqualTo(address & -16);
            robot.interact(table::requestFocus);
            robot.press(KeyCode.CONTROL).press(KeyCode.C).release(KeyCode.C).release(KeyCode.CONTROL);
            AtomicReference<String> copied = new AtomicReference<>();
            robot.interact(() -> copied.set(javafx.scene.input.Clipboard.getSystemClipboard().getString()));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) hex.append(String.format(" %02x", first[i]));
            assertThat(copied.get()).startsWith(String.format("%016x", address & -16)).contains(hex.substring(1));

            // Run on, stop again: the view reads anew and marks the bytes that changed.
            robot.press(KeyCode.F5).release(KeyCode.F5);
            waitFor("running again", () -> window.debug().running().get());
            long before = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong();
            waitFor("the counter to move on", () -> counter(pid, address) > before);
            robot.interact(() -> window.debug().pause());
            waitFor("the second break", () -> !window.debug().running().get());
            byte[] second = procMem(pid, address, 8);
            assertThat(second).isNotEqualTo(first);
            waitFor("the new counter bytes", () -> shows(table, address, second));
            MemoryRow row = table.getItems().get(table.getSelectionModel().getSelectedIndex());
            int off = (int) (address - row.address().value());
            for (int i = 0; i < 8; i++) {
                assertThat(row.cells().get(off + i).changed()).as("byte %d", i).isEqualTo(first[i] != second[i]);
            }
        } finally {
            robot.interact(() -> window.debug().kill());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
