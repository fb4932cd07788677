package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.ExitStatus;
import dev.sextant.engine.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ProcessStatus#endedWith}, which ends a session whose process died without waitpid telling
 * the tracer: real zombies (children of a {@code sleep} that never reaps them), one that exited with
 * a status and one SIGKILLed, and a living process.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessStatusTest {

    /** Starts {@code sh -c 'CHILD & echo $!; exec sleep 20'}: CHILD's pid, whose parent never reaps it. */
    private static int orphanOfASleeper(List<Process> started, String child) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", child + " & echo $!; exec sleep 20").start();
        started.add(p);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            return Integer.parseInt(r.readLine().strip());
        }
    }

    @Test void theStatusAZombieKeepsForItsReaper() throws Exception {
        List<Process> started = new java.util.ArrayList<>();
        try {
            int exited = orphanOfASleeper(started, "sh -c 'exit 7'");
            int killed = orphanOfASleeper(started, "sleep 30");
            assertThat(ProcessStatus.endedWith(killed)).as("a living process").isEmpty();
            new ProcessBuilder("kill", "-9", Integer.toString(killed)).start().waitFor();
            Await.until("both children zombies", Duration.ofSeconds(10),
                    () -> ProcessStatus.state(exited) == 'Z' && ProcessStatus.state(killed) == 'Z');
            assertThat(ProcessStatus.endedWith(exited)).contains(ExitStatus.exited(7));
            assertThat(ProcessStatus.endedWith(killed)).contains(ExitStatus.killed(9));
            assertThat(ProcessStatus.endedWith(Integer.MAX_VALUE)).as("no such process").isEmpty();
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }
}
