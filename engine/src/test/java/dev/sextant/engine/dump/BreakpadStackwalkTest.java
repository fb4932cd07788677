package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SymbolFileWritten;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.breakpad.BreakpadExport;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash pipeline with nothing but Sextant: a program built without frame pointers crashes, its
 * core becomes a Breakpad-style minidump, {@code --export-breakpad} writes the program's and libc's
 * {@code .sym} files into a store, the program file is removed, and the minidump is walked and
 * symbolized from the store alone: the same frames as eu-stack on the core, named from the .sym.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BreakpadStackwalkTest {
    @TempDir static Path dir;
    static Path exe, core, minidump, store;
    static String exeName = "abortthreads";

    @BeforeAll static void makeDumpAndStore() throws Exception {
        exe = NativePrograms.compile("abortthreads", dir, "-O2", "-fomit-frame-pointer");
        core = NativePrograms.coreOf(exe, dir, "3");
        minidump = dir.resolve("threads.dmp");
        CoreToMinidump.write(core, minidump);
        store = exportStore(minidump, dir, name -> name.equals(exeName) || name.startsWith("libc.so"));
    }

    /**
     * A directory store ({@code NAME/ID/NAME.sym}) in {@code dir/store} with the {@code .sym} files that
     * {@code --export-breakpad} writes for the minidump's modules whose file names {@code wanted} accepts.
     */
    static Path exportStore(Path minidump, Path dir, Predicate<String> wanted) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        for (Module m : MinidumpReader.read(minidump, CoreOptions.DEFAULT, "").report().modules()) {
            String name = Path.of(m.path()).getFileName().toString();
            if (!wanted.test(name)) continue;
            Path tmp = dir.resolve(name + ".sym");
            SymbolFileWritten w = BreakpadExport.export(Path.of(m.path()), tmp, new Cancellation());
            Path into = Files.createDirectories(store.resolve(name).resolve(w.moduleId()));
            Files.move(tmp, into.resolve(name + ".sym"));
        }
        return store;
    }

    @Test void theStoreAloneGivesEuStacksFramesWithNamesAndLines() throws Exception {
        Assumptions.assumeTrue(EuStack.available(), "eu-stack (elfutils) is not installed");
        Map<Integer, List<EuStack.Frame>> eu = EuStack.run(core, exe, dir);
        Path alone = Files.createDirectories(dir.resolve("alone")).resolve("threads.dmp");
        Files.copy(minidump, alone);
        Path hidden = Files.move(exe, dir.resolve("threads.hidden"));     // the binary is not at hand
        DumpOverview o;
        try {
            o = MinidumpReader.read(alone, new CoreOptions(Optional.empty(), Optional.of(Files.createDirectories(dir.resolve("none")))),
                    store.toString());
        } finally {
            Files.move(hidden, exe);
        }
        int wait = NativePrograms.line("abortthreads", "wait_here"), middle = NativePrograms.line("abortthreads", "middle");
        Map<Integer, List<Long>> ourPcs = new LinkedHashMap<>(), euPcs = new LinkedHashMap<>();
        for (ThreadStack st : o.report().stacks()) {
            List<StackFrame> physical = st.frames().stream().filter(f -> !f.inline()).toList();
            ourPcs.put(st.tid().value(), physical.stream().map(f -> f.pc().value()).toList());
            assertThat(physical.get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(physical.subList(1, physical.size())).as("thread %s", st.tid()).allMatch(f -> f.source() == FrameSource.CFI);
            assertThat(st.stopReason()).as("the walk ends where the CFI says (.ra undefined)").isEmpty();
        }
        eu.forEach((tid, fs) -> euPcs.put(tid, fs.stream().map(EuStack.Frame::pc).toList()));
        assertThat(ourPcs).isEqualTo(euPcs);
        // Frames in the program: named as eu-stack names them, with the .sym's lines.
        for (ThreadStack st : o.report().stacks()) {
            List<EuStack.Frame> e = eu.get(st.tid().value());
            List<StackFrame> ours = st.frames().stream().filter(f -> !f.inline()).toList();
            for (int i = 0; i < ours.size(); i++) {
                if (!ours.get(i).module().orElse("").equals(exeName)) continue;
                assertThat(ours.get(i).function()).as("frame %d of %s", i, st.tid()).contains(e.get(i).function());
            }
        }
        List<StackFrame> worker = o.report().stacks().stream().map(ThreadStack::frames)
                .filter(fs -> fs.stream().anyMatch(f -> f.function().orElse("").equals("wait_here"))).findFirst().orElseThrow();
        StackFrame w = worker.stream().filter(f -> f.function().orElse("").equals("wait_here")).findFirst().orElseThrow();
        StackFrame m = worker.stream().filter(f -> f.function().orElse("").equals("middle")).findFirst().orElseThrow();
        assertThat(w.line()).hasValue(wait);
        assertThat(m.line()).hasValue(middle);
        assertThat(m.file().orElseThrow()).endsWith("threads.c");
    }
}
