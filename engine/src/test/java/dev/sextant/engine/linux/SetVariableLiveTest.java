package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Editing locals (gdb's {@code set var}): a process spinning in main until its local {@code waiting}
 * is 0 gets new values for its locals through the engine; after the detach it prints them, so the
 * program itself shows what was written. A core refuses any change.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SetVariableLiveTest {
    @TempDir Path dir;

    @Test void changedLocalsAreWhatTheProgramPrintsAfterward() throws Exception {
        try (NativePrograms.Running p = NativePrograms.startForTracing("setvar", dir); EngineThread engine = new EngineThread()) {
            engine.submit(new Command.Attach(new Pid(p.pid()))).get(30, TimeUnit.SECONDS);
            DumpReport r = engine.submit(new Command.ReadStacks(new Cancellation())).get(30, TimeUnit.SECONDS);
            int main = r.stackOf(new Tid(p.pid())).orElseThrow().frames().stream()
                    .filter(f -> f.function().map("main"::equals).orElse(false)).mapToInt(StackFrame::index).findFirst().orElseThrow();
            assertThat(set(engine, p.pid(), main, "count", "1234").value()).isEqualTo("1234");
            // the new value is an expression of the frame, read after the first write
            assertThat(set(engine, p.pid(), main, "big", "count * -3").value()).isEqualTo("-3702");
            // converted as C (and gdb) convert: 70000 in an unsigned short is 70000 mod 65536
            assertThat(set(engine, p.pid(), main, "small", "70000").value()).isEqualTo("4464");
            assertThat(set(engine, p.pid(), main, "ratio", "9 / 4.0").value()).isEqualTo("2.25");
            assertThat(set(engine, p.pid(), main, "letter", "'Z'").value()).isEqualTo("90 'Z'");
            assertThat(set(engine, p.pid(), main, "colour", "BLUE").value()).isEqualTo("BLUE");
            assertThatThrownBy(() -> set(engine, p.pid(), main, "nosuch", "1")).cause()
                    .isInstanceOf(TargetException.class).hasMessageContaining("nosuch");
            assertThatThrownBy(() -> set(engine, p.pid(), main, "text", "1.5")).cause()
                    .isInstanceOf(TargetException.class);
            set(engine, p.pid(), main, "waiting", "0");
            engine.submit(new Command.Detach()).get(30, TimeUnit.SECONDS);
            assertThat(p.line()).isEqualTo("count=1234 big=-3702 small=4464 ratio=2.25 letter=Z colour=2 text=text");
        }
    }

    @Test void aCoreIsReadOnly() throws Exception {
        Path exe = NativePrograms.compile("state", dir);
        Path core = NativePrograms.coreOf(exe, dir, "crash");
        try (EngineThread engine = new EngineThread()) {
            engine.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            assertThatThrownBy(() -> engine.submit(new Command.SetVariable(Optional.empty(), OptionalInt.empty(), "x", "1"))
                    .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(TargetException.class).hasMessageContaining("read-only");
        }
    }

    private static Variable set(EngineThread engine, int tid, int frame, String name, String value) throws Exception {
        return engine.submit(new Command.SetVariable(Optional.of(new Tid(tid)), OptionalInt.of(frame), name, value)).get(30, TimeUnit.SECONDS);
    }
}
