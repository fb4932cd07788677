package dev.sextant.app.cli;

import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant stack --pid PID [--json]} on a real process: attach, every stack, detach. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StackPidCommandTest {
    @TempDir Path dir;

    record Output(int status, String out, String err) {}

    static Output run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = Main.run(args);
            return new Output(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test void jsonHasEveryThreadsStackAndTheProcessRunsOn() throws Exception {
        Path exe = NativePrograms.compile("threads", dir);
        int pid = NativePrograms.start(exe, "5").pid();
        try {
            Output o = run("stack", "--pid", Integer.toString(pid), "--json");
            Assumptions.assumeFalse(o.err().contains("refused"), "ptrace not permitted here: " + o.err());
            assertThat(o.status()).as(o.err()).isZero();
            assertThat(count(o.out(), "\"tid\"")).isEqualTo(6);
            assertThat(count(o.out(), "\"level3\"")).isEqualTo(5);
            assertThat(Files.readString(Path.of("/proc/" + pid + "/status"))).contains("TracerPid:\t0");

            Output text = run("stack", "--pid", Integer.toString(pid));
            assertThat(text.out()).contains("Thread " + pid).contains("level3").contains("threads.c:5");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test void pidAndCoreTogetherOrAMissingProcessAreRefusedClearly() {
        Output both = run("stack", "--pid", "1", "--core", "core.1");
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        Output missing = run("stack", "--pid", "999999999");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("999999999 does not exist");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
