package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.testing.ForeignCores.Crash;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 19 and 22 on arm64: a program built without frame pointers crashes under qemu-aarch64, its
 * core becomes an arm64 minidump, {@code --export-breakpad} writes the program's and libc's
 * {@code .sym} files, and the minidump walked with their {@code STACK CFI} alone has eu-stack's frames
 * on the core, named as eu-stack names them; so does the minidump read with the module files at hand
 * (libdwfl's CFI, no store). Skipped without the cross compiler, qemu or elfutils.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Arm64BreakpadStackwalkTest {
    @TempDir static Path dir;
    static ForeignMinidumps.Made made;
    static Crash crash;
    static Path minidump, store;

    @BeforeAll static void makeDumpAndStore() throws Exception {
        made = ForeignMinidumps.make("aarch64", dir);
        crash = made.crash();
        minidump = made.minidump();
        store = made.store();
    }

    static DumpOverview readAlone(String stores) throws Exception { return ForeignMinidumps.readAlone(made, dir, stores); }

    @Test void theSymHasArm64CfiInBreakpadsRegisterNames() throws Exception {
        List<String> lines = ForeignMinidumps.programSym(made);
        assertThat(lines.get(0)).startsWith("MODULE Linux arm64 ");
        List<String> cfi = lines.stream().filter(l -> l.startsWith("STACK CFI ")).toList();
        assertThat(cfi).filteredOn(l -> l.startsWith("STACK CFI INIT ")).isNotEmpty()
                .allMatch(l -> l.contains(" .cfa: sp ") && l.contains(" .ra: "))
                .anyMatch(l -> l.endsWith(".cfa: sp 0 + .ra: x30"));
        assertThat(cfi).anyMatch(l -> l.matches(".* x29: \\.cfa -?\\d+ \\+ \\^.*"))
                .anyMatch(l -> l.matches(".* \\.ra: \\.cfa -?\\d+ \\+ \\^.*"))
                .noneMatch(l -> l.contains("$") || l.matches(".* r\\d+[: ].*"));
    }

    @Test void theStoreAloneGivesEuStacksFramesAndNames() throws Exception {
        Map<Integer, List<EuStack.Frame>> eu = EuStack.run(crash.core(), crash.exe(), dir);
        DumpOverview o = readAlone(store.toString());
        ForeignMinidumps.Seen seen = ForeignMinidumps.assertEuStacksFrames(o, eu, true);
        for (ThreadStack st : o.report().stacks()) {
            List<StackFrame> ours = ForeignMinidumps.physical(st);
            assertThat(ours.get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(ours.subList(1, ours.size())).as("thread %s", st.tid()).isNotEmpty().allMatch(f -> f.source() == FrameSource.CFI);
            assertThat(st.stopReason()).as("the walk ends where the CFI says (.ra undefined)").isEmpty();
        }
        System.out.printf("arm64 minidump with the store: %d frames compared with eu-stack, %d names equal%n", seen.frames(), seen.named());
        List<String> crashed = o.report().stacks().get(0).frames().stream().map(f -> f.function().orElse("?")).toList();
        assertThat(crashed).startsWith("leaf", "middle", "main");
        assertThat(o.report().stacks()).anySatisfy(st -> assertThat(st.frames()).extracting(f -> f.function().orElse("?"))
                .containsSubsequence("usleep", "worker"));
    }

    /**
     * No store: the module files at the paths the minidump names (the program beside it, libc under
     * {@code /usr/aarch64-linux-gnu}), found and checked by build-id, give libdwfl their CFI.
     */
    @Test void moduleFilesGiveEuStacksFramesAndNames() throws Exception {
        Map<Integer, List<EuStack.Frame>> eu = EuStack.run(crash.core(), crash.exe(), dir);
        DumpOverview o = MinidumpReader.read(minidump);
        ForeignMinidumps.Seen seen = ForeignMinidumps.assertEuStacksFrames(o, eu, true);
        for (ThreadStack st : o.report().stacks()) {
            List<StackFrame> ours = ForeignMinidumps.physical(st);
            assertThat(ours.get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(ours.subList(1, ours.size())).as("thread %s", st.tid()).isNotEmpty().allMatch(f -> f.source() == FrameSource.CFI);
        }
        assertThat(o.report().modules()).filteredOn(m -> m.path().equals(crash.exe().toString())).singleElement()
                .satisfies(m -> assertThat(m.file()).contains(crash.exe().toString()));
        System.out.printf("arm64 minidump with the module files: %d frames compared with eu-stack, %d names equal%n%s",
                seen.frames(), seen.named(), ForeignMinidumps.describe(o));
    }

    @Test void withoutTheStoreFramePointersOrTheScanAndSaySo() throws Exception {
        DumpOverview o = readAlone("");
        for (ThreadStack st : o.report().stacks()) {
            assertThat(st.frames().get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(st.frames().subList(1, st.frames().size())).extracting(StackFrame::source)
                    .doesNotContain(FrameSource.CFI).allMatch(s -> s == FrameSource.FRAME_POINTER || s == FrameSource.STACK_SCAN);
        }
        assertThat(o.report().stacks()).anySatisfy(st -> assertThat(st.frames()).hasSizeGreaterThan(1));
        System.out.printf("arm64 minidump without the store: %s%n", o.report().stacks().stream()
                .map(st -> st.frames().stream().map(f -> f.source().name().toLowerCase()).toList()).toList());
    }
}
