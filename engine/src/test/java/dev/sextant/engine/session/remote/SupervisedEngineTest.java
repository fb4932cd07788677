package dev.sextant.engine.session.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The window's engine when its process is SIGKILLed: a core is reopened in a new one, an attached program runs on. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SupervisedEngineTest {
    @TempDir static Path dir;

    @Test void aCoreIsReopenedInANewEngineAndItsEventsGoOnNumberingStops() throws Exception {
        NativePrograms.Crashed crash = NativePrograms.crashed("crash", dir);
        Path core = crash.core();
        try (SupervisedEngine engine = new SupervisedEngine()) {
            List<DebugEvent> events = new CopyOnWriteArrayList<>();
            engine.addListener(events::add);
            DumpReport first = engine.submit(new Command.OpenCore(core, Optional.of(crash.exe()), Optional.empty(), new Cancellation()))
                    .get(60, TimeUnit.SECONDS);
            long firstPid = engine.current().pid();
            long stopBefore = events.stream().mapToLong(DebugEvent::stopId).max().orElseThrow();
            var loss = engine.nextLoss();
            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
            EngineLoss lost = loss.get(30, TimeUnit.SECONDS);
            assertThat(lost.exit().signal()).hasValue(9);
            assertThat(lost.file()).hasValue(core);
            assertThat(lost.restarted()).isTrue();
            assertThat(lost.describe()).contains("pid " + firstPid).contains("killed by signal 9 (SIGKILL)").contains(core.toString())
                    .contains("reopening " + core.getFileName());
            DumpReport again = (DumpReport) lost.reopened().orElseThrow().get(60, TimeUnit.SECONDS);
            assertThat(engine.current().pid()).isNotEqualTo(firstPid);
            assertThat(WireTest.canonical(again)).isEqualTo(WireTest.canonical(first));
            // the views saw the target open again, at stop ids above those they had
            DebugEvent.TargetOpened reopened = Await.value("TargetOpened of the new engine", Duration.ofSeconds(10), () ->
                    events.stream().filter(e -> e instanceof DebugEvent.TargetOpened && e.stopId() > stopBefore)
                            .map(DebugEvent.TargetOpened.class::cast).findFirst());
            assertThat(events).noneMatch(e -> e instanceof DebugEvent.TargetClosed);     // the views keep showing it meanwhile
            assertThat(reopened.stopId()).isGreaterThan(stopBefore + 1);
            // the next command works
            assertThat(engine.submit(new Command.EvaluateAddress("rip")).get(30, TimeUnit.SECONDS))
                    .isEqualTo(again.threads().get(0).registers().registers().stream()
                            .filter(r -> r.name().equals("rip")).findFirst().map(r -> new dev.sextant.engine.api.Address(r.value())).orElseThrow());
        }
    }

    @Test void commandsGivenBeforeTheProcessStartsAreAnsweredByItInTheirOrder() throws Exception {
        NativePrograms.Crashed crash = NativePrograms.crashed("crash", dir);
        try (SupervisedEngine engine = SupervisedEngine.startingLater()) {
            List<DebugEvent> events = new CopyOnWriteArrayList<>();
            engine.addListener(events::add);
            var opened = engine.submit(new Command.OpenCore(crash.core(), Optional.of(crash.exe()), Optional.empty(), new Cancellation()));
            var rip = engine.submit(new Command.EvaluateAddress("rip"));
            assertThat(engine.current()).isNull();               // nothing started: the commands wait
            assertThat(opened).isNotDone();
            engine.start();
            long pid = engine.current().pid();
            DumpReport report = opened.get(60, TimeUnit.SECONDS);
            // the second command was sent after the first: the core was open when it ran
            assertThat(rip.get(30, TimeUnit.SECONDS).value()).isEqualTo(report.threads().get(0).registers().registers().stream()
                    .filter(r -> r.name().equals("rip")).findFirst().orElseThrow().value());
            assertThat(events).anyMatch(e -> e instanceof DebugEvent.TargetOpened);     // the listener added before the start hears it
            engine.start();                                       // a second start changes nothing
            assertThat(engine.current().pid()).isEqualTo(pid);
        }
    }

    @Test void withoutAStartTheProcessStartsAtTheLatestTimeAndAClosedOneAnswersNothing() throws Exception {
        try (SupervisedEngine engine = SupervisedEngine.startingLater()) {
            engine.startWithin(Duration.ofMillis(200));
            assertThat(engine.submit(new Command.ListProcesses()).get(60, TimeUnit.SECONDS)).isNotEmpty();
        }
        SupervisedEngine closed = SupervisedEngine.startingLater();
        var never = closed.submit(new Command.ListProcesses());
        closed.close();
        assertThat(never).isCompletedExceptionally();
        assertThat(closed.current()).isNull();
        closed.start();                                           // closed: no process is started
        assertThat(closed.current()).isNull();
    }

    @Test void anAttachedProgramRunsOnWhenTheEngineIsKilled() throws Exception {
        try (NativePrograms.Running program = NativePrograms.startForTracing("ticker", dir);
             SupervisedEngine engine = new SupervisedEngine()) {
            engine.submit(new Command.Attach(new Pid(program.pid()))).get(60, TimeUnit.SECONDS);
            // TracerPid names the tracing thread: the engine thread of the engine process
            assertThat(NativePrograms.status((int) tracer(program.pid()), "Tgid:")).isEqualTo(Long.toString(engine.current().pid()));
            engine.submit(new Command.Continue()).get(30, TimeUnit.SECONDS);
            var loss = engine.nextLoss();
            ProcessHandle.of(engine.current().pid()).orElseThrow().destroyForcibly();
            EngineLoss lost = loss.get(30, TimeUnit.SECONDS);
            assertThat(lost.live()).hasValueSatisfying(l -> assertThat(l).contains("pid " + program.pid()).contains("detached and runs on"));
            Await.until("the kernel to detach the program", Duration.ofSeconds(10), () -> tracer(program.pid()) == 0);
            // it goes on ticking: two more lines of its output after the engine is gone
            String before = program.line();
            String after = program.line();
            assertThat(before).startsWith("tick ");
            assertThat(after).startsWith("tick ");
            assertThat(Long.parseLong(after.substring(5))).isGreaterThan(Long.parseLong(before.substring(5)));
            assertThat(program.alive()).isTrue();
            assertThat(NativePrograms.status(program.pid(), "State:")).doesNotContain("stopped").doesNotContain("tracing stop");
        }
    }

    private static long tracer(int pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("TracerPid:"))
                .map(l -> Long.parseLong(l.substring(10).strip())).findFirst().orElseThrow();
    }
}
