package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.testing.ForeignCores;
import dev.sextant.engine.testing.ForeignCores.Crash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Minidumps of other architectures' crashes ({@link ForeignCores#crashWithHostLibraries}), the Breakpad
 * store Sextant exports for them, and their stacks checked against eu-stack's on the core they were
 * made from. Skips (assumption) without elfutils, the cross compiler or qemu.
 */
final class ForeignMinidumps {
    private ForeignMinidumps() {}

    /** The crash, its minidump and a store with the program's and libc's {@code .sym} files. */
    record Made(Crash crash, Path minidump, Path store, String exeName) {}

    static Made make(String arch, Path dir) throws Exception {
        Assumptions.assumeTrue(EuStack.available(), "eu-stack (elfutils) is not installed");
        Crash crash = ForeignCores.crashWithHostLibraries(arch, dir);
        String exeName = crash.exe().getFileName().toString();
        Path minidump = dir.resolve(arch + ".dmp");
        CoreToMinidump.write(crash.core(), crash.exe(), minidump);
        Path store = BreakpadStackwalkTest.exportStore(minidump, dir, name -> name.equals(exeName) || name.startsWith("libc.so"));
        return new Made(crash, minidump, store, exeName);
    }

    /** The lines of the program's {@code .sym} in the store. */
    static List<String> programSym(Made m) throws Exception {
        try (Stream<Path> s = Files.walk(m.store().resolve(m.exeName()))) {
            return Files.readAllLines(s.filter(p -> p.toString().endsWith(".sym")).findFirst().orElseThrow());
        }
    }

    /** The minidump alone, away from the program, read with {@code stores} ("" for none) and no module files. */
    static DumpOverview readAlone(Made m, Path dir, String stores) throws Exception {
        Path alone = Files.createDirectories(dir.resolve("alone")).resolve(m.minidump().getFileName());
        if (!Files.exists(alone)) Files.copy(m.minidump(), alone);
        Path hidden = Files.move(m.crash().exe(), dir.resolve(m.exeName() + ".hidden"));
        try {
            return MinidumpReader.read(alone, new CoreOptions(Optional.empty(), Optional.of(Files.createDirectories(dir.resolve("none")))),
                    stores);
        } finally {
            Files.move(hidden, m.crash().exe());
        }
    }

    /** How many frames were compared with eu-stack's and how many of them eu-stack named. */
    record Seen(int frames, int named) {}

    /**
     * Per thread (the same threads, in eu-stack's order), the physical frames' pcs are eu-stack's, all
     * of them when {@code whole}, else as far as eu-stack got; each compared frame has eu-stack's function
     * name, or none where eu-stack has none (libc's local functions: only {@code .dynsym} is at hand).
     */
    static Seen assertEuStacksFrames(DumpOverview o, Map<Integer, List<EuStack.Frame>> eu, boolean whole) {
        assertThat(o.report().stacks()).extracting(st -> st.tid().value()).containsExactlyElementsOf(eu.keySet());
        int compared = 0, named = 0;
        for (ThreadStack st : o.report().stacks()) {
            List<StackFrame> ours = physical(st);
            List<EuStack.Frame> theirs = eu.get(st.tid().value());
            List<Long> pcs = theirs.stream().map(EuStack.Frame::pc).toList();
            if (whole) assertThat(ours).extracting(f -> f.pc().value()).as("thread %s pcs", st.tid()).containsExactlyElementsOf(pcs);
            else assertThat(ours).extracting(f -> f.pc().value()).as("thread %s pcs", st.tid()).startsWith(pcs.toArray(Long[]::new));
            for (int i = 0; i < theirs.size(); i++) {
                compared++;
                String name = theirs.get(i).function();
                if (name.isEmpty()) {
                    assertThat(ours.get(i).function()).as("thread %s frame %d", st.tid(), i).isEmpty();
                    continue;
                }
                assertThat(ours.get(i).function()).as("thread %s frame %d", st.tid(), i).hasValue(name);
                named++;
            }
        }
        return new Seen(compared, named);
    }

    static List<StackFrame> physical(ThreadStack st) { return st.frames().stream().filter(f -> !f.inline()).toList(); }

    /** Each thread's frames as {@code pc function source}, for the report of how far each walk went. */
    static String describe(DumpOverview o) {
        StringBuilder b = new StringBuilder();
        for (ThreadStack st : o.report().stacks()) {
            b.append("  TID ").append(st.tid().value()).append(st.stopReason().map(r -> " (stop: " + r + ")").orElse("")).append('\n');
            for (StackFrame f : physical(st)) {
                b.append(String.format("    0x%x %s %s%n", f.pc().value(), f.function().orElse("?"), f.source().name().toLowerCase()));
            }
        }
        return b.toString();
    }
}
