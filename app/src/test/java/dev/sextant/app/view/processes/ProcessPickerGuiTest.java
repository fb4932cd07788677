package dev.sextant.app.view.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.ProcessEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/** Debug → Attach…: filter by a started program's unique name, one row is left, Enter attaches to it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessPickerGuiTest extends WindowTest {

    static String field(int pid, String name) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith(name))
                .findFirst().orElseThrow().substring(name.length()).strip();
    }

    @Test void filterToTheProgramAndAttachWithEnter(FxRobot robot) throws Exception {
        Path sleep = Path.of("/bin/sleep");
        Assumptions.assumeTrue(Files.isExecutable(sleep), "no /bin/sleep to run");
        String unique = "picked" + System.nanoTime();
        Path exe = Files.copy(sleep, dir.resolve(unique));
        exe.toFile().setExecutable(true);
        // Through sh and '&', so that the program is not a child of this JVM (which cannot trace its own children).
        Process sh = new ProcessBuilder("sh", "-c", "\"$0\" 300 </dev/null >/dev/null 2>&1 & echo $!", exe.toString()).start();
        int pid = Integer.parseInt(new String(sh.getInputStream().readAllBytes()).strip());
        sh.waitFor();
        try {
            robot.press(KeyCode.CONTROL, KeyCode.ALT, KeyCode.P).release(KeyCode.P, KeyCode.ALT, KeyCode.CONTROL);
            TableView<ProcessEntry> table = robot.lookup("#processes-table").queryTableView();
            waitFor("the process list", () -> table.getItems().size() > 1);
            assertThat(table.getItems()).anySatisfy(e -> assertThat(e.pid().value()).isEqualTo(1));
            robot.clickOn("#processes-filter").write(unique);
            waitFor("the filter", () -> table.getItems().size() == 1);
            ProcessEntry only = table.getItems().get(0);
            assertThat(only.pid().value()).isEqualTo(pid);
            assertThat(only.arguments()).containsExactly(exe.toString(), "300");
            assertThat(only.cannotAttach()).isEmpty();
            assertThat(table.getSelectionModel().getSelectedItem()).isEqualTo(only);

            robot.press(KeyCode.ENTER).release(KeyCode.ENTER);
            waitFor("the attach", () -> window.status().text().startsWith("Attached to " + pid));
            // The tracer is the engine thread: a thread of this JVM, or of the engine process it started.
            int tracer = Integer.parseInt(field(pid, "TracerPid:"));
            String self = Long.toString(ProcessHandle.current().pid());
            String tgid = field(tracer, "Tgid:");
            assertThat(tgid.equals(self) || field(Integer.parseInt(tgid), "PPid:").equals(self))
                    .as("tracer %s (process %s) is this JVM's engine", tracer, tgid).isTrue();
            assertThat(robot.lookup("#processes-table").tryQuery()).isEmpty();       // the dialog closed

            robot.interact(() -> window.debug().detach());
            waitFor("detach", () -> window.status().text().startsWith("Detached"));
            assertThat(field(pid, "TracerPid:")).isEqualTo("0");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
