package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.testing.ForeignCores;
import dev.sextant.engine.testing.ForeignCores.Crash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 19 and 22 on arm64: a program built without frame pointers crashes under qemu-aarch64, its
 * core becomes an arm64 minidump, {@code --export-breakpad} writes the program's and libc's
 * {@code .sym} files, and the minidump walked with their {@code STACK CFI} alone has eu-stack's frames
 * on the core, named as eu-stack names them. Skipped without the cross compiler, qemu or elfutils.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Arm64BreakpadStackwalkTest {
    @TempDir static Path dir;
    static Crash crash;
    static Path minidump, store;
    static String exeName;

    @BeforeAll static void makeDumpAndStore() throws Exception {
        Assumptions.assumeTrue(EuStack.available(), "eu-stack (elfutils) is not installed");
        crash = ForeignCores.crashWithHostLibraries("aarch64", dir);
        exeName = crash.exe().getFileName().toString();
        minidump = dir.resolve("arm64.dmp");
        CoreToMinidump.write(crash.core(), crash.exe(), minidump);
        store = BreakpadStackwalkTest.exportStore(minidump, dir, name -> name.equals(exeName) || name.startsWith("libc.so"));
    }

    /** The minidump alone, away from the program, read with {@code stores} ("" for none) and no module files. */
    static DumpOverview readAlone(String stores) throws Exception {
        Path alone = Files.createDirectories(dir.resolve("alone")).resolve("arm64.dmp");
        if (!Files.exists(alone)) Files.copy(minidump, alone);
        Path hidden = Files.move(crash.exe(), dir.resolve("arm64.hidden"));
        try {
            return MinidumpReader.read(alone, new CoreOptions(Optional.empty(), Optional.of(Files.createDirectories(dir.resolve("none")))),
                    stores);
        } finally {
            Files.move(hidden, crash.exe());
        }
    }

    @Test void theSymHasArm64CfiInBreakpadsRegisterNames() throws Exception {
        Path sym;
        try (Stream<Path> s = Files.walk(store.resolve(exeName))) {
            sym = s.filter(p -> p.toString().endsWith(".sym")).findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(sym);
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
        assertThat(o.report().stacks()).extracting(st -> st.tid().value()).containsExactlyElementsOf(eu.keySet());
        int compared = 0, named = 0;
        for (ThreadStack st : o.report().stacks()) {
            List<StackFrame> ours = st.frames().stream().filter(f -> !f.inline()).toList();
            List<EuStack.Frame> theirs = eu.get(st.tid().value());
            assertThat(ours).extracting(f -> f.pc().value()).as("thread %s pcs", st.tid())
                    .containsExactlyElementsOf(theirs.stream().map(EuStack.Frame::pc).toList());
            assertThat(ours.get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(ours.subList(1, ours.size())).as("thread %s", st.tid()).isNotEmpty().allMatch(f -> f.source() == FrameSource.CFI);
            assertThat(st.stopReason()).as("the walk ends where the CFI says (.ra undefined)").isEmpty();
            for (int i = 0; i < ours.size(); i++) {
                compared++;
                String name = theirs.get(i).function();
                if (name.isEmpty()) {   // libc's local functions (__libc_start_call_main, start_thread): only .dynsym is at hand
                    assertThat(ours.get(i).function()).as("thread %s frame %d", st.tid(), i).isEmpty();
                    continue;
                }
                assertThat(ours.get(i).function()).as("thread %s frame %d", st.tid(), i).hasValue(name);
                named++;
            }
        }
        System.out.printf("arm64 minidump with the store: %d frames compared with eu-stack, %d names equal%n", compared, named);
        List<String> crashed = o.report().stacks().get(0).frames().stream().map(f -> f.function().orElse("?")).toList();
        assertThat(crashed).startsWith("leaf", "middle", "main");
        assertThat(o.report().stacks()).anySatisfy(st -> assertThat(st.frames()).extracting(f -> f.function().orElse("?"))
                .containsSubsequence("usleep", "worker"));
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
