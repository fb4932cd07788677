package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.elfutils.FrameStepper;
import dev.sextant.engine.elfutils.LiveSession;
import dev.sextant.engine.elfutils.RawFrame;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sextant's own CFI stepper failing on a frame of generated code: the walk goes on with libdwfl's
 * rule for that frame, and the failure reaches the caller as one diagnostic naming the pc.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StepperFailureTest {
    @TempDir static Path dir;

    @BeforeAll static void build() throws Exception {
        JitStackTest.exe = NativePrograms.compileForTracing("jit", dir);
    }

    @Test void aFailingStepperBecomesADiagnosticAndLibdwflStepsTheFrame() throws Exception {
        try (JitStackTest.Blocked b = JitStackTest.start("none");
             Tracer t = Tracer.attach(new Pid(b.process().pid()));
             LiveSession session = LiveSession.open(b.process().pid(), LiveSnapshot.unwindSource(t))) {
            Assumptions.assumeTrue(session.canStepFrames(), "this libdw cannot read an unwound frame's registers (dwfl_frame_reg)");
            List<Long> asked = new ArrayList<>();
            FrameStepper failing = (pc, activation, registers) -> {
                asked.add(pc);
                throw new IllegalStateException("a table that cannot be read");
            };
            List<Diagnostic> diagnostics = new ArrayList<>();
            Map<Integer, List<RawFrame>> threads = new HashMap<>();
            session.walkThreads((tid, frames, stop) -> threads.put(tid, frames), () -> false, Optional.of(failing), diagnostics::add);

            List<RawFrame> frames = threads.get(b.process().pid());
            int jit = indexIn(frames, b);
            assertThat(asked).as("the stepper is asked for the generated frame").contains(frames.get(jit).pc());
            assertThat(frames.get(jit).stepped()).isFalse();
            assertThat(frames.size()).as("libdwfl goes on past the generated frame").isGreaterThan(jit + 1);
            assertThat(diagnostics).singleElement().satisfies(d -> {
                assertThat(d.severity()).isEqualTo(Severity.WARNING);
                assertThat(d.message()).contains("0x" + Long.toHexString(frames.get(jit).pc()), "a table that cannot be read");
            });
        }
    }

    private static int indexIn(List<RawFrame> frames, JitStackTest.Blocked b) {
        for (int i = 0; i < frames.size(); i++) {
            if (Long.compareUnsigned(frames.get(i).pc() - b.code(), b.length()) < 0) return i;
        }
        throw new AssertionError("no frame in the generated code: " + frames);
    }
}
