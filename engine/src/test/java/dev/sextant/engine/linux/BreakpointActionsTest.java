package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Breakpoint actions on watchloop.c (step(i) called for i = 0..N-1): stop from the Nth hit, a
 * condition with a hit count, run to a line (a one-shot breakpoint that goes away), set next
 * statement.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BreakpointActionsTest {
    @TempDir static Path dir;
    static Path exe;

    @BeforeAll static void build() throws Exception { exe = NativePrograms.compileForTracing("watchloop", dir); }

    static EngineThread launch(LiveSessionTest.Events events, String n) throws Exception {
        EngineThread engine = new EngineThread();
        engine.addListener(events);
        LiveSessionTest.run(engine, new Command.Launch(exe, List.of(n), Optional.empty(), Map.of(), dir.resolve("watchloop.out")));
        return engine;
    }

    static String value(EngineThread engine, String expr) throws Exception {
        return LiveSessionTest.run(engine, new Command.Evaluate(Optional.empty(), OptionalInt.empty(), expr)).value();
    }

    static StopReason nextStop(LiveSessionTest.Events events) throws InterruptedException {
        return events.await(DebugEvent.ProcessStopped.class, s -> !(s.reason() instanceof StopReason.Attached)).reason();
    }

    @Test void stopAfterFourHitsStopsOnTheFourthCall() throws Exception {
        LiveSessionTest.Events events = new LiveSessionTest.Events();
        try (EngineThread engine = launch(events, "10")) {
            Breakpoint bp = LiveSessionTest.run(engine, new Command.SetBreakpoint("step"));
            Breakpoint configured = LiveSessionTest.run(engine, new Command.ConfigureBreakpoint(bp.id(), Optional.empty(), OptionalLong.of(4), Optional.empty()));
            assertThat(configured.stopAfterHits()).hasValue(4);
            LiveSessionTest.run(engine, new Command.Continue());
            StopReason r = nextStop(events);
            assertThat(r).isInstanceOf(StopReason.BreakpointHit.class);
            assertThat(((StopReason.BreakpointHit) r).hitCount()).isEqualTo(4);
            assertThat(value(engine, "i")).isEqualTo("3");
            LiveSessionTest.run(engine, new Command.Kill());
        }
    }

    @Test void conditionAndHitCountTogetherCountOnlyTheHitsWhereItHolds() throws Exception {
        LiveSessionTest.Events events = new LiveSessionTest.Events();
        try (EngineThread engine = launch(events, "20")) {
            Breakpoint bp = LiveSessionTest.run(engine, new Command.SetBreakpoint("step if i % 3 == 1"));
            assertThat(bp.condition()).hasValue("i % 3 == 1");
            LiveSessionTest.run(engine, new Command.ConfigureBreakpoint(bp.id(), bp.condition(), OptionalLong.of(3), Optional.empty()));
            LiveSessionTest.run(engine, new Command.Continue());
            assertThat(nextStop(events)).isInstanceOf(StopReason.BreakpointHit.class);
            assertThat(value(engine, "i")).isEqualTo("7");          // 1, 4, 7
            LiveSessionTest.run(engine, new Command.Kill());
        }
    }

    @Test void runToALineStopsThereOnceAndLeavesNoBreakpoint() throws Exception {
        LiveSessionTest.Events events = new LiveSessionTest.Events();
        try (EngineThread engine = launch(events, "5")) {
            int line = NativePrograms.line("watchloop", "step");
            LiveSessionTest.run(engine, new Command.RunTo("watchloop.c:" + line));
            StopReason r = nextStop(events);
            assertThat(r).isInstanceOf(StopReason.StepCompleted.class);
            StackFrame top = LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation())).stacks().get(0).frames().get(0);
            assertThat(top.function()).hasValue("step");
            assertThat(top.line()).hasValue(line);
            assertThat(value(engine, "i")).isEqualTo("0");
            LiveSessionTest.run(engine, new Command.Kill());
        }
    }

    @Test void setNextStatementRunsALineAgain() throws Exception {
        LiveSessionTest.Events events = new LiveSessionTest.Events();
        try (EngineThread engine = launch(events, "5")) {
            int line = NativePrograms.line("watchloop", "step");
            LiveSessionTest.run(engine, new Command.SetBreakpoint("step if i == 2"));
            LiveSessionTest.run(engine, new Command.Continue());
            assertThat(nextStop(events)).isInstanceOf(StopReason.BreakpointHit.class);
            assertThat(value(engine, "total")).isEqualTo("1");          // 0 + 1
            LiveSessionTest.run(engine, new Command.StepOver(Optional.empty()));
            events.await(DebugEvent.ProcessStopped.class, st -> st.reason() instanceof StopReason.StepCompleted);
            assertThat(value(engine, "total")).isEqualTo("3");
            // back to the line that adds i: it runs a second time
            long at = LiveSessionTest.run(engine, new Command.SetProgramCounter(Optional.empty(), "watchloop.c:" + line)).value();
            StackFrame moved = LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation())).stacks().get(0).frames().get(0);
            assertThat(moved.pc().value()).isEqualTo(at);
            assertThat(moved.line()).hasValue(line);
            events.drain();                 // the move's own stop event is not the step's
            LiveSessionTest.run(engine, new Command.StepOver(Optional.empty()));
            events.await(DebugEvent.ProcessStopped.class, st -> st.reason() instanceof StopReason.StepCompleted);
            assertThat(value(engine, "total")).isEqualTo("5");
            LiveSessionTest.run(engine, new Command.Kill());
        }
    }
}
