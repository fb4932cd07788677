package dev.sextant.engine.linux;

import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.session.EngineThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Breakpoint, step over, step into and run to return on a launched program give the lines gdb gives. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SteppingTest {
    @TempDir static Path dir;

    @BeforeAll static void permitted() throws Exception { NativePrograms.assumePtracePermitted(); }

    private static final List<String> STEPS = List.of("next", "step", "step", "step", "step", "next", "next", "next", "next");

    @Test void breakpointAndStepsStopOnTheLinesGdbReports() throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb (the reference) is not installed");
        Path exe = NativePrograms.compile("stepper", dir);
        List<Integer> expected = gdbLines(exe);
        assertThat(expected).hasSize(STEPS.size() + 1);

        List<Integer> got = new ArrayList<>();
        try (EngineThread engine = new EngineThread()) {
            LiveSessionTest.Events events = new LiveSessionTest.Events();
            engine.addListener(events);
            LiveSessionTest.run(engine, new Command.Launch(exe, List.of(), Optional.empty(), Map.of(), dir.resolve("stepper.out")));
            Breakpoint bp = LiveSessionTest.run(engine, new Command.SetBreakpoint("compute"));
            LiveSessionTest.run(engine, new Command.Continue());
            DebugEvent.ProcessStopped hit = events.await(DebugEvent.ProcessStopped.class, s -> !(s.reason() instanceof StopReason.Attached));
            assertThat(hit.reason()).isInstanceOf(StopReason.BreakpointHit.class);
            assertThat(((StopReason.BreakpointHit) hit.reason()).breakpointId()).isEqualTo(bp.id());
            got.add(line(engine));
            for (String step : STEPS) {
                LiveSessionTest.run(engine, step.equals("next") ? new Command.StepOver(Optional.empty()) : new Command.StepInto(Optional.empty()));
                DebugEvent.ProcessStopped s = events.await(DebugEvent.ProcessStopped.class);
                assertThat(s.reason()).as("after " + step).isInstanceOf(StopReason.StepCompleted.class);
                got.add(line(engine));
            }
            assertThat(got).isEqualTo(expected);
            // into compute again, then run to return: main, after the call
            LiveSessionTest.run(engine, new Command.StepInto(Optional.empty()));
            events.await(DebugEvent.ProcessStopped.class);
            DumpReport inCompute = LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation()));
            assertThat(inCompute.stacks().get(0).frames().get(0).function()).hasValue("compute");
            LiveSessionTest.run(engine, new Command.StepOut(Optional.empty()));
            DebugEvent.ProcessStopped out = events.await(DebugEvent.ProcessStopped.class);
            assertThat(out.reason()).isInstanceOf(StopReason.StepCompleted.class);
            StackFrame top = LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation())).stacks().get(0).frames().get(0);
            assertThat(top.function()).hasValue("main");
            assertThat(top.line()).hasValue(22);
            LiveSessionTest.run(engine, new Command.Kill());
        }
        assertThat(got).isEqualTo(expected);
    }

    private static int line(EngineThread engine) throws Exception {
        DumpReport r = LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation()));
        return r.stacks().get(0).frames().get(0).line().orElseThrow();
    }

    /** gdb -batch with the same steps: the line number of every stop ("12\t    int s = a + b;"). */
    private static List<Integer> gdbLines(Path exe) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gdb", "-batch", "-nx", "-ex", "break compute", "-ex", "run"));
        for (String s : STEPS) { cmd.add("-ex"); cmd.add(s); }
        cmd.add(exe.toString());
        Process g = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(g.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        g.waitFor(60, TimeUnit.SECONDS);
        List<Integer> lines = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^(\\d+)\\t").matcher(out);
        while (m.find()) lines.add(Integer.parseInt(m.group(1)));
        return lines;
    }
}
