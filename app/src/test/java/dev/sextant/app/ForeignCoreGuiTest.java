package dev.sextant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.view.registers.RegisterRow;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.app.view.threads.ThreadRow;
import dev.sextant.engine.testing.ForeignCores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.TableView;
import javafx.scene.image.WritableImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** A big-endian s390x core (made under qemu-user) in the window: its threads, frames and s390 registers. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForeignCoreGuiTest extends WindowTest {
    @Test void s390xCoreShowsItsThreadsFramesAndRegistersByTheirOwnNames(FxRobot robot) throws Exception {
        ForeignCores.Crash c = ForeignCores.crash("s390x", dir);
        AtomicReference<CompletableFuture<?>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(c.core(), Optional.of(c.exe()), Optional.empty())));
        f.get().get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();

        TableView<ThreadRow> threads = robot.lookup("#threads-table").queryTableView();
        assertThat(threads.getItems()).hasSize(2);
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        assertThat(stack.getItems()).extracting(FrameRow::function).first().asString().startsWith("leaf");
        robot.clickOn("Registers");
        TableView<RegisterRow> regs = robot.lookup("#registers-table").queryTableView();
        waitFor("the s390x registers", () -> regs.getItems().stream().anyMatch(r -> r.name().equals("pswa")));
        assertThat(regs.getItems()).extracting(RegisterRow::name).startsWith("pswm", "pswa", "r0", "r1").contains("r15", "a0", "orig_r2");
        String pswa = regs.getItems().stream().filter(r -> r.name().equals("pswa")).findFirst().orElseThrow().hex();
        assertThat(Long.parseUnsignedLong(pswa.substring(2), 16)).isEqualTo(Long.parseUnsignedLong(stack.getItems().get(0).pc().substring(2), 16));
        Path png = Path.of("target", "screenshots", "foreign-core-s390x.png");
        Files.createDirectories(png.getParent());
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(window.stage().getScene().snapshot(null)));
        Screenshot.write(shot.get(), png);
    }
}
