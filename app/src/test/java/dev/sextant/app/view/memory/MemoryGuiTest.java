package dev.sextant.app.view.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * The Memory view on the live demo: at {@code orders_done} (found by nm plus the load base in
 * /proc/PID/maps) it shows what /proc/PID/mem holds, follows the next stop and marks the counter's
 * changed bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryGuiTest extends WindowTest {


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
            long address = ordersDone(pid);
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
