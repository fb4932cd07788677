package dev.sextant.engine.session.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Commands answered across the pipe by an engine process, as the engine in this JVM answers them; a killed engine fails what it had. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ChildEngineTest {
    @TempDir static Path dir;
    static NativePrograms.Crashed crash;

    @BeforeAll static void makeCore() throws Exception { crash = NativePrograms.crashed("crash", dir); }

    private static Command.OpenCore open(Path file) {
        return new Command.OpenCore(file, Optional.of(crash.exe()), Optional.empty(), new Cancellation());
    }

    @Test void aCoreOpensAcrossThePipeAsInThisProcess() throws Exception {
        DumpReport here;
        try (EngineThread local = new EngineThread()) {
            here = local.submit(open(crash.core())).get(60, TimeUnit.SECONDS);
        }
        ChildEngine child = ChildEngine.start(0);
        try {
            List<DebugEvent> events = new CopyOnWriteArrayList<>();
            child.addListener(events::add);
            assertThat(child.ready().get(30, TimeUnit.SECONDS)).isEqualTo(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
            DumpReport there = child.submit(open(crash.core())).get(60, TimeUnit.SECONDS);
            assertThat(WireTest.canonical(there)).isEqualTo(WireTest.canonical(here));
            assertThat(there.threads()).isNotEmpty();
            assertThat(there.signal()).hasValueSatisfying(s -> assertThat(s.number()).isEqualTo(11));   // crash.c dereferences NULL
            DebugEvent.TargetOpened opened = Await.value("TargetOpened from the engine process", Duration.ofSeconds(10), () ->
                    events.stream().filter(DebugEvent.TargetOpened.class::isInstance).map(DebugEvent.TargetOpened.class::cast).findFirst());
            assertThat(opened.threads()).hasSameSizeAs(there.threads());
            assertThat(opened.process().pid()).isEqualTo(here.process().pid());
        } finally {
            child.close();
        }
        assertThat(child.exited().get(10, TimeUnit.SECONDS).status()).isZero();
    }

    @Test void failuresKeepTheirTypeAndMessage() throws Exception {
        Path missing = dir.resolve("no-such-core");
        String here;
        try (EngineThread local = new EngineThread()) {
            here = causeOf(() -> local.submit(open(missing)).get(30, TimeUnit.SECONDS)).getMessage();
        }
        ChildEngine child = ChildEngine.start(0);
        try {
            Throwable there = causeOf(() -> child.submit(open(missing)).get(30, TimeUnit.SECONDS));
            assertThat(there).isInstanceOf(TargetException.class).hasMessage(here);
            Cancellation cancelled = new Cancellation();
            cancelled.cancel();
            assertThat(causeOf(() -> child.submit(new Command.OpenCore(crash.core(), Optional.of(crash.exe()), Optional.empty(), cancelled)).get(30, TimeUnit.SECONDS)))
                    .isInstanceOf(CancellationException.class);
            // the engine still answers after both
            assertThat(child.submit(new Command.CloseTarget()).get(30, TimeUnit.SECONDS)).isNotNull();
        } finally {
            child.close();
        }
    }

    @Test void aKilledEngineFailsTheCommandsInFlightAndSaysHowItEnded() throws Exception {
        ChildEngine child = ChildEngine.start(0);
        child.ready().get(30, TimeUnit.SECONDS);
        // a command that does not end by itself: capture a crash of a program that never crashes
        Path ticker = NativePrograms.compile("ticker", dir);
        var inFlight = child.submit(new Command.CaptureCrash(ticker, List.of(), dir, 120));
        Await.until("the capture in flight", Duration.ofSeconds(10), () -> child.oldestInFlight().isPresent());
        ChildExit exit;
        try {
            ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();
            exit = child.exited().get(30, TimeUnit.SECONDS);
        } finally {     // the program the capture ran has nobody to end it now
            ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.equals(ticker.toString())).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(exit.signal()).hasValue(9);
        assertThat(exit.describe()).isEqualTo("killed by signal 9 (SIGKILL)");
        assertThat(causeOf(() -> inFlight.get(10, TimeUnit.SECONDS))).isInstanceOf(TargetException.class)
                .hasMessageContaining("killed by signal 9 (SIGKILL)").hasMessageContaining("CaptureCrash");
        assertThat(causeOf(() -> child.submit(new Command.CloseTarget()).get(10, TimeUnit.SECONDS))).isInstanceOf(IllegalStateException.class);
    }

    interface Call { Object call() throws Exception; }

    static Throwable causeOf(Call call) {
        try {
            call.call();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("no failure");
    }
}
