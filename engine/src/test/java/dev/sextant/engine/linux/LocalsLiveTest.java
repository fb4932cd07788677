package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.state.GdbReference;
import dev.sextant.engine.state.LocalsGdbTest;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The variables of a running process: gdb attaches and dumps every frame, detaches; then Sextant
 * attaches and reads the same frames; the program's frames must agree. The process runs on after.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalsLiveTest {
    @TempDir Path dir;

    @Test void attachedProcessVariablesAgreeWithGdbAndItRunsOn() throws Exception {
        try (NativePrograms.Running p = NativePrograms.startForTracing("state", dir, "wait"); EngineThread engine = new EngineThread()) {
            List<GdbReference.Frame> reference = GdbReference.framesOfProcess(dir, p.pid());
            assertThat(Files.readString(Path.of("/proc/" + p.pid() + "/status"))).as("gdb detached").contains("TracerPid:\t0");
            engine.submit(new Command.Attach(new Pid(p.pid()))).get(30, TimeUnit.SECONDS);
            DumpReport r = engine.submit(new Command.ReadStacks(new dev.sextant.engine.api.Cancellation())).get(30, TimeUnit.SECONDS);
            List<String> mismatches = new ArrayList<>();
            int compared = 0;
            for (GdbReference.Frame f : reference) {
                if (!List.of("main", "worker").contains(f.function())) continue;
                ThreadStack st = r.stackOf(new Tid(f.tid())).orElseThrow();
                StackFrame ours = st.frames().get(f.index());
                assertThat(ours.function()).as("frame " + f.index() + " of " + f.tid()).contains(f.function());
                List<Variable> vars = engine.submit(new Command.ReadVariables(Optional.of(new Tid(f.tid())), OptionalInt.of(f.index()), 8))
                        .get(30, TimeUnit.SECONDS);
                Map<String, GdbReference.Entry> flat = LocalsGdbTest.flatten(vars);
                for (GdbReference.Entry g : f.entries().values()) {
                    compared++;
                    if (!g.equals(flat.get(g.path()))) mismatches.add(f.function() + " " + g + " ours " + flat.get(g.path()));
                }
            }
            assertThat(compared).as("variables compared").isGreaterThan(30);
            assertThat(mismatches).isEmpty();
            Variable v = engine.submit(new Command.Evaluate(Optional.of(new Tid(p.pid())), OptionalInt.of(1), "first.next->corners[1].x + 40"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(v.value()).isEqualTo("42");
            engine.submit(new Command.Detach()).get(30, TimeUnit.SECONDS);
            assertThat(Files.readString(Path.of("/proc/" + p.pid() + "/status"))).as("detached, running on").contains("TracerPid:\t0");
        }
    }
}
