package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sextant run} on engine/src/test/native/watchloop.c: a condition true once in a loop of
 * 20,000 calls stops once with the right values, a logpoint prints a line per call and never stops,
 * {@code --max-stops} kills, watchpoints report gdb's old/new sequence (where the machine delivers
 * debug-register traps at all: drprobe.c), also for writes of a thread created after the watch.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RunCommandTest {
    @TempDir static Path dir;
    static Path exe;

    @BeforeAll static void build() throws Exception {
        exe = compile("watchloop");
    }

    static Path compile(String name) throws Exception {
        Path src = Path.of("../engine/src/test/native/" + name + ".c").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(src), "engine's test program " + name + ".c is missing");
        Path out = dir.resolve(name);
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-g", "-O0", "-pthread", "-o", out.toString(), src.toString()).inheritIO().start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no C compiler: " + e.getMessage());
            return null;
        }
        assertThat(cc.waitFor()).isZero();
        return out;
    }

    static StackPidCommandTest.Output run(String... args) { return StackPidCommandTest.run(args); }

    static List<String> jsonLines(String out) {
        return Arrays.stream(out.split("\n")).filter(l -> l.startsWith("{")).toList();
    }

    @Test void conditionTrueOnceInALoopStopsOnceWithTheValues() {
        var r = run("run", "--json", "--break", "step if i == 19999", "--print", "i", "--print", "total", "--", exe.toString(), "20000");
        List<String> lines = jsonLines(r.out());
        assertThat(lines).as(r.out() + r.err()).hasSize(2);
        // total = 0 + 1 + ... + 19998 before the 19999th call adds i
        assertThat(lines.get(0)).startsWith("{\"reason\":\"breakpoint\",\"breakpoint\":1,").contains("\"function\":\"step\"")
                .contains("\"line\":13").contains("{\"expr\":\"i\",\"value\":\"19999\"}").contains("{\"expr\":\"total\",\"value\":\"199970001\"}");
        assertThat(lines.get(1)).isEqualTo("{\"reason\":\"exit\",\"code\":\"3\",\"signal\":null}");
        assertThat(r.status()).isEqualTo(3);
    }

    @Test void logpointPrintsALinePerHitAndNeverStops() {
        var r = run("run", "--log", "step, i={i} total={total}", "--", exe.toString(), "50");
        List<String> logs = Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("i=")).toList();
        assertThat(logs).hasSize(50);
        long total = 0;
        for (int i = 0; i < 50; i++) {
            assertThat(logs.get(i)).isEqualTo("i=" + i + " total=" + total);
            total += i;
        }
        assertThat(r.out()).doesNotContain("breakpoint").contains("exited with status 3");
        assertThat(r.status()).isEqualTo(3);
    }

    @Test void maxStopsKillsTheProgramAndExitsZero() {
        var r = run("run", "--json", "--max-stops", "3", "--break", "step", "--print", "i", "--", exe.toString(), "100");
        List<String> lines = jsonLines(r.out());
        assertThat(lines).hasSize(4);
        for (int i = 0; i < 3; i++) assertThat(lines.get(i)).contains("{\"expr\":\"i\",\"value\":\"" + i + "\"}");
        assertThat(lines.get(3)).isEqualTo("{\"reason\":\"killed\",\"code\":null,\"signal\":\"SIGKILL\"}");
        assertThat(r.status()).isZero();
    }

    @Test void aConditionWithASyntaxErrorIsRefusedBeforeTheRun() {
        var r = run("run", "--break", "step if i ==", "--", exe.toString(), "5");
        assertThat(r.status()).isEqualTo(125);
        assertThat(r.err()).contains("sextant run:").contains("syntax error");
    }

    static void assumeDebugRegisterTraps() throws Exception {
        Path probe = compile("drprobe");
        Process p = new ProcessBuilder(probe.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(said.equals("trap"), "this machine's hypervisor accepts debug registers but delivers no trap"
                + " (drprobe: " + said + "); gdb's hardware watchpoints stay silent here too");
    }

    /** gdb's "Old value = X / New value = Y" pairs for {@code watch counter} from main. */
    static List<String> gdbSequence(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gdb", "-batch", "-nx", "-ex", "break main", "-ex", "run", "-ex", "watch counter"));
        for (int i = 0; i < 12; i++) cmd.addAll(List.of("-ex", "continue"));
        cmd.add("--args");
        cmd.add(exe.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        p.waitFor(120, TimeUnit.SECONDS);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("Old value = (.*)\nNew value = (.*)\n").matcher(text);
        while (m.find()) out.add(m.group(1) + " -> " + m.group(2));
        return out;
    }

    static List<String> ourSequence(String out) {
        List<String> seq = new ArrayList<>();
        Matcher m = Pattern.compile("\"old\":\"([^\"]*)\",\"new\":\"([^\"]*)\"").matcher(out);
        while (m.find()) seq.add(m.group(1) + " -> " + m.group(2));
        return seq;
    }

    @Test void watchpointOnAGlobalReportsGdbsOldNewSequence() throws Exception {
        assumeDebugRegisterTraps();
        Assumptions.assumeTrue(StackPidCommandTest.class != null && Files.isExecutable(Path.of("/usr/bin/gdb")), "gdb (the reference) is not installed");
        var r = run("run", "--json", "--watch", "counter", "--", exe.toString(), "3");
        List<String> ours = ourSequence(r.out());
        assertThat(ours).containsExactly("0 -> 1", "1 -> 3", "3 -> 6", "6 -> 10");
        assertThat(ours).isEqualTo(gdbSequence("3"));
    }

    @Test void watchpointTrapsInAThreadCreatedAfterItWasSet() throws Exception {
        assumeDebugRegisterTraps();
        var r = run("run", "--json", "--watch", "counter", "--", exe.toString(), "3", "1");
        List<String> lines = jsonLines(r.out());
        assertThat(ourSequence(r.out())).containsExactly("0 -> 1", "1 -> 3", "3 -> 6", "6 -> 10", "10 -> 20", "20 -> 30", "30 -> 40");
        // the last three stops are in the worker thread, not main's
        String mainTid = lines.get(0).replaceAll(".*\"tid\":(\\d+).*", "$1");
        assertThat(lines.get(4)).contains("\"function\":\"worker\"").doesNotContain("\"tid\":" + mainTid + ",");
    }

    @Test void theFifthWatchpointIsRefused() throws Exception {
        var r = run("run", "--watch", "counter", "--watch", "counter", "--watch", "total", "--watch", "total", "--watch", "counter",
                "--", exe.toString(), "3");
        assertThat(r.status()).isEqualTo(125);
        assertThat(r.err()).contains("all 4 hardware watchpoints").contains("remove one first");
    }
}
