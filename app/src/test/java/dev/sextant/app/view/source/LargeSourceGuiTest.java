package dev.sextant.app.view.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * A 100,000-line source file opens at once: a core of a program that crashes on its last lines,
 * opened in the window, shows the crash line highlighted; the CodeArea lays out only the lines on
 * screen, and the FX thread's share of opening (and of colouring) is measured.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LargeSourceGuiTest extends WindowTest {
    @Test void aHundredThousandLineFileOpensAtItsLine(FxRobot robot) throws Exception {
        StringBuilder c = new StringBuilder("/* generated: 100,000 lines, the code at the end */\n#if 0\n");
        String[] block = {"static int helper_%d(int a, int b) {", "    /* a comment with \"quotes\" */", "    int s = a * 31 + b;",
                "    for (int i = 0; i < 10; i++) s ^= i << 3;", "    if (s > 0x7fff) return -1; // clamp", "    return s;", "}", ""};
        int line = 2;
        for (int k = 0; line < 99_990; k++) {
            for (String l : block) {
                c.append(l.replace("%d", Integer.toString(k))).append('\n');
                line++;
            }
        }
        c.append("#endif\n");
        c.append("__attribute__((noinline)) static void crash(int *p) {\n    *p = 42; /* the crash */\n}\n");
        c.append("int main(void) {\n    crash((int *)0);\n    return 0;\n}\n");
        Path src = Files.writeString(dir.resolve("big.c"), c);
        int crashLine = (int) c.chars().filter(ch -> ch == '\n').count() - 5;
        assertThat(crashLine).isGreaterThan(99_990);
        Path exe = dir.resolve("big");
        Tools.Result cc = Tools.run(dir, 240, List.of("cc", "-g", "-O0", "-o", exe.toString(), src.toString()));
        assertThat(cc.exit()).as(cc.stderr()).isZero();
        Path core = NativePrograms.coreOf(exe, dir);
        robot.interact(() -> window.open(core, Optional.of(exe), Optional.empty()));
        waitFor("the crash line of the 100,000-line file", 120, () -> window.sourceView().rendered().get() != null
                && window.sourceView().rendered().get().line() == crashLine
                && window.sourceView().highlightedLineText().equals(Optional.of("    *p = 42; /* the crash */")));
        waitFor("the colours", 120, () -> window.sourceView().coloured().get() == window.sourceView().rendered().get().text().orElse(null));
        double[] t = window.sourceView().lastOpenTimings();
        int paragraphs = window.sourceView().area().getParagraphs().size();
        String report = String.format("100,000-line source (%d lines, %d bytes): shown at its line in %.1f ms on the FX thread"
                + " (%.1f ms of its CPU), colours applied in %.1f ms (%.1f ms CPU), coloured %.1f ms after opening; load average %s%n",
                paragraphs, Files.size(src), t[0], t[1], t[2], t[3], t[4], StepLatencyGuiTest.loadAverage());
        System.out.print(report);
        Files.writeString(Path.of("target", "large-source.txt"), report);
        assertThat(paragraphs).isGreaterThan(100_000);
        // Virtualised: the visible cells are a screenful, not the file (the gutter makes one per line on screen).
        long cells = robot.lookup(".gutter").queryAll().size();
        assertThat(cells).isBetween(1L, 200L);
        // The times are measured and reported (target/large-source.txt), not bounded: on a shared machine
        // the wall times follow the load; the CPU times are the figure to compare.
        robot.interact(() -> screenshot(Path.of("target", "source-large.png")));
    }
}
