package dev.sextant.engine.linux;

import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessEntry;
import dev.sextant.engine.session.EngineThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The process picker's list against what ps and /proc say of a started program. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessListTest {
    @TempDir static Path dir;

    static ProcessEntry find(int pid) {
        return ProcessList.list().stream().filter(e -> e.pid().value() == pid).findFirst().orElseThrow();
    }

    @Test void aStartedProgramAppearsWithItsExactArgumentsAndUser() throws Exception {
        Path exe = NativePrograms.compile("ticker", dir);
        String unique = "picker-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NativePrograms.Running p = NativePrograms.start(exe, unique, "two words", "")) {
            ProcessEntry e = find(p.pid());
            assertThat(e.arguments()).containsExactly(exe.toString(), unique, "two words", "");
            assertThat(e.commandLine()).isEqualTo(exe + " " + unique + " two words ");
            assertThat(e.command()).isEqualTo("ticker");
            Process ps = new ProcessBuilder("ps", "-o", "user=,uid=", "-p", Integer.toString(p.pid())).start();
            String[] psOut = new String(ps.getInputStream().readAllBytes()).strip().split("\\s+");
            assertThat(e.user()).isEqualTo(psOut[0]);
            assertThat(e.uid()).isEqualTo(Integer.parseInt(psOut[1]));
            assertThat(e.cannotAttach()).isEmpty();
            assertThat(ProcessList.list().stream().filter(x -> x.commandLine().contains(unique))).hasSize(1);
        }
    }

    @Test void explainsWhyAProcessCannotBeAttached() throws Exception {
        NativePrograms.assumePtracePermitted();
        assertThat(find((int) ProcessHandle.current().pid()).cannotAttach()).hasValueSatisfying(r -> assertThat(r).contains("Sextant itself"));
        List<ProcessEntry> all = ProcessList.list();
        all.stream().filter(e -> e.pid().value() == 2).findFirst()          // kthreadd, where the pid namespace shows it
                .ifPresent(k -> assertThat(k.cannotAttach()).hasValueSatisfying(r -> assertThat(r).contains("kernel thread")));
        Path exe = NativePrograms.compile("ticker", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe); EngineThread engine = new EngineThread()) {
            engine.submit(new Command.Attach(new Pid(p.pid()))).get(30, TimeUnit.SECONDS);
            String tracer = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("TracerPid:")).findFirst().orElseThrow();
            assertThat(tracer).isNotEqualTo("TracerPid:\t0");
            assertThat(find(p.pid()).cannotAttach()).hasValueSatisfying(r -> assertThat(r)
                    .startsWith("already traced by process " + ProcessHandle.current().pid()));
            engine.submit(new Command.Detach()).get(30, TimeUnit.SECONDS);
            assertThat(find(p.pid()).cannotAttach()).isEmpty();
        }
    }
}
