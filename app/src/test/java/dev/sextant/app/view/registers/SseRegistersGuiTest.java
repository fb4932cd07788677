package dev.sextant.app.view.registers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.Screenshot;
import dev.sextant.app.WindowTest;
import dev.sextant.app.view.source.CurrentFrame;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * The Registers view on a core whose program loaded known doubles and floats into xmm registers:
 * frame 0 shows xmm0–xmm15 as 128-bit hex equal to gdb's {@code p/x $xmm0.uint128}, with the
 * doubles and floats beside; frame 1 shows them {@code <not saved>}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SseRegistersGuiTest extends WindowTest {
    Optional<RegisterRow> row(TableView<RegisterRow> t, String name) {
        return t.getItems().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    @Test void xmmRegistersOfFrameZeroAsGdbShowsThemAndNotSavedInCallers(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb"), "gdb is the reference");
        Path exe = NativePrograms.compile("sse", dir);
        Path core = NativePrograms.coreOf(exe, dir);
        AtomicReference<CompletableFuture<?>> opened = new AtomicReference<>();
        robot.interact(() -> opened.set(window.open(core, Optional.of(exe), Optional.empty())));
        opened.get().get(60, TimeUnit.SECONDS);
        robot.clickOn("Registers");
        TableView<RegisterRow> regs = robot.lookup("#registers-table").queryTableView();
        waitFor("xmm0 in the Registers view", () -> row(regs, "xmm0").map(r -> r.hex().startsWith("0x")).orElse(false));

        Tools.Result g = Tools.run(dir, 60, List.of("gdb", "-nx", "-batch", "-ex", "p/x $xmm0.uint128", "-ex", "p/x $xmm7.uint128",
                "-ex", "p/x $mxcsr", exe.toString(), core.toString()));
        List<BigInteger> gdb = g.stdout().lines().filter(l -> l.startsWith("$")).map(l -> new BigInteger(l.substring(l.indexOf("0x") + 2).strip(), 16)).toList();
        assertThat(gdb).as("gdb said %s %s", g.stdout(), g.stderr()).hasSize(3);
        RegisterRow xmm0 = row(regs, "xmm0").orElseThrow(), xmm7 = row(regs, "xmm7").orElseThrow();
        assertThat(new BigInteger(xmm0.hex().substring(2), 16)).isEqualTo(gdb.get(0));
        assertThat(new BigInteger(xmm7.hex().substring(2), 16)).isEqualTo(gdb.get(1));
        assertThat(new BigInteger(row(regs, "mxcsr").orElseThrow().hex().substring(2), 16)).isEqualTo(gdb.get(2));
        assertThat(xmm0.decimal()).startsWith("double {1.5, -2.25}");
        assertThat(xmm7.decimal()).endsWith("float {0.5, 1, -3, 42.75}");
        assertThat(row(regs, "rip")).isPresent();
        robot.interact(() -> {
            try {
                Screenshot.write(window.stage().getScene().snapshot(null), Path.of("target", "registers-sse.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        CurrentFrame.Selection s = window.frames().current().get().orElseThrow();
        robot.interact(() -> window.frames().select(s.tid(), 1));
        waitFor("frame 1's xmm0 not saved", () -> row(regs, "xmm0").map(r -> r.hex().equals(RegistersModel.NOT_SAVED)).orElse(false));
        assertThat(row(regs, "rip").map(RegisterRow::hex).orElseThrow()).startsWith("0x");
    }
}
