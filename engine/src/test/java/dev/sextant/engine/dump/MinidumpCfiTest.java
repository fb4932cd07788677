package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * A Linux minidump made at test time from a real core of a program built without frame pointers:
 * its stacks unwind with CFI from the module files found by build-id, to the frames eu-stack
 * finds in the core; without the module files, frame pointers and the stack scan take over, and
 * every frame says so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MinidumpCfiTest {
    @TempDir static Path dir;
    static Path exe, core, minidump;

    @BeforeAll static void makeDumps() throws Exception {
        exe = NativePrograms.compile("abortthreads", dir, "-O2", "-fomit-frame-pointer");
        core = NativePrograms.coreOf(exe, dir, "3");
        minidump = dir.resolve("threads.dmp");
        CoreToMinidump.write(core, minidump);
    }

    @Test void cfiFromModuleFilesGivesEuStacksFramesOfTheCore() throws Exception {
        Assumptions.assumeTrue(EuStack.available(), "eu-stack (elfutils) is not installed");
        DumpOverview o = MinidumpReader.read(minidump);
        Map<Integer, List<String>> ours = new LinkedHashMap<>();
        for (ThreadStack st : o.report().stacks()) {
            ours.put(st.tid().value(), st.frames().stream().filter(f -> !f.inline())
                    .map(f -> String.format("0x%x %s", f.pc().value(), f.function().orElse(""))).toList());
        }
        Map<Integer, List<String>> eu = new LinkedHashMap<>();
        EuStack.run(core, exe, dir).forEach((tid, fs) -> eu.put(tid, fs.stream()
                .map(f -> String.format("0x%x %s", f.pc(), f.function())).toList()));
        assertThat(ours).isEqualTo(eu);
        assertThat(ours).hasSize(4);
        assertThat(ours.values()).filteredOn(fs -> fs.stream().anyMatch(f -> f.endsWith(" middle"))).hasSize(3);
        for (ThreadStack st : o.report().stacks()) {
            List<StackFrame> physical = st.frames().stream().filter(f -> !f.inline()).toList();
            assertThat(physical.get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(physical.subList(1, physical.size())).isNotEmpty().allMatch(f -> f.source() == FrameSource.CFI);
            assertThat(st.frames()).filteredOn(StackFrame::inline).allMatch(f -> f.source() == FrameSource.INLINE);
        }
        assertThat(o.report().modules()).filteredOn(m -> m.path().equals(exe.toString())).singleElement()
                .satisfies(m -> assertThat(m.file()).contains(exe.toString()));
    }

    @Test void withoutModuleFilesFramePointersAndTheScanAreMarked() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-sysroot"));
        Path alone = Files.createDirectories(dir.resolve("alone")).resolve("threads.dmp");
        Files.copy(minidump, alone);
        DumpOverview o = MinidumpReader.read(alone, new CoreOptions(Optional.empty(), Optional.of(empty)));
        for (ThreadStack st : o.report().stacks()) {
            assertThat(st.frames().get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(st.frames().subList(1, st.frames().size())).extracting(StackFrame::source)
                    .doesNotContain(FrameSource.CFI);
        }
        // the pcs of the scan include the real return addresses into the program
        assertThat(o.report().stacks()).anySatisfy(st -> assertThat(st.frames()).hasSizeGreaterThan(1));
    }
}
