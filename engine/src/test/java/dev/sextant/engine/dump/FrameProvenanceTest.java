package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each frame says which rule found it: nocfi.c's assembly function has no FDE, so the step from it
 * to main is libdwfl's frame-pointer fallback, and main is marked so; the steps around it have CFI.
 * The pcs are eu-stack's, which unwinds the same way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameProvenanceTest {
    @TempDir static Path dir;

    @Test void theFrameAfterCodeWithoutAnFdeIsMarkedFramePointer() throws Exception {
        NativePrograms.Crashed nocfi = NativePrograms.crashed("nocfi", dir);
        DumpReport r = ElfCoreReader.read(nocfi.core(), CoreOptions.DEFAULT, CoreReadListener.NONE, new Cancellation());
        List<StackFrame> frames = r.stacks().get(0).frames().stream().filter(f -> !f.inline()).toList();
        int k = -1;
        for (int i = 0; i < frames.size(); i++) if (frames.get(i).function().orElse("").equals("nocfi_fn")) k = i;
        assertThat(k).as("frames: " + frames).isPositive();
        assertThat(frames.get(k).source()).as("nocfi_fn was found by blocker's CFI").isEqualTo(FrameSource.CFI);
        assertThat(frames.get(k + 1).function()).hasValue("main");
        assertThat(frames.get(k + 1).source()).as("main was found by the frame pointer").isEqualTo(FrameSource.FRAME_POINTER);
        assertThat(frames.get(k + 2).source()).as("main's caller was found by main's CFI").isEqualTo(FrameSource.CFI);
        assertThat(frames).filteredOn(f -> f.source() == FrameSource.FRAME_POINTER).hasSize(1);

        Assumptions.assumeTrue(EuStack.available(), "eu-stack (the reference) is not installed");
        Map<Integer, List<EuStack.Frame>> eu = EuStack.run(nocfi.core(), nocfi.exe(), dir);
        List<EuStack.Frame> ref = eu.get((int) r.stacks().get(0).tid().value());
        assertThat(frames.stream().map(f -> f.pc().value()).toList())
                .containsExactlyElementsOf(ref.stream().map(EuStack.Frame::pc).toList());
    }
}
