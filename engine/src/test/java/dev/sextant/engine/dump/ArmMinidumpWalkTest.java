package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 on 32-bit arm: the crash built for armhf (Thumb-2, no frame pointers) crashes under
 * qemu-arm, its core becomes a minidump with {@code MDRawContextARM}s, and the minidump's registers,
 * exception and stacks are checked against the core and eu-stack, walked with the Breakpad store
 * Sextant exports and with the module files. Debian's armhf libc has no {@code .eh_frame} CFI (its
 * unwind tables are {@code .ARM.exidx} only), so eu-stack stops at the first libc frame; our frames are
 * compared as far as eu-stack gets, and past that they must say they came from frame pointers or the
 * scan. Skipped without the cross compiler, qemu or elfutils.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ArmMinidumpWalkTest {
    @TempDir static Path dir;
    static ForeignMinidumps.Made made;

    @BeforeAll static void makeDumpAndStore() throws Exception {
        made = ForeignMinidumps.make("arm", dir);
    }

    @Test void registersAndExceptionAreTheCores() throws Exception {
        CoreFile core = CoreFile.read(ByteReader.map(made.crash().core(), ByteOrder.LITTLE_ENDIAN));
        DumpOverview o = MinidumpReader.read(made.minidump());
        assertThat(o.report().threads()).hasSameSizeAs(core.threads());
        List<String> names = List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc", "cpsr");
        for (CoreFile.PrStatus t : core.threads()) {
            ThreadInfo ours = o.report().threads().stream().filter(x -> x.tid().value() == t.tid()).findFirst().orElseThrow();
            assertThat(ours.registers().arch()).isEqualTo("arm");
            assertThat(ours.registers().registers()).extracting(Register::name).containsExactlyElementsOf(names);
            for (int i = 0; i < names.size(); i++) {
                assertThat(ours.registers().registers().get(i).value()).as("thread %d %s", t.tid(), names.get(i)).isEqualTo(t.regs()[i] & 0xffffffffL);
            }
        }
        ThreadInfo crashed = o.report().threads().get(0);
        assertThat(crashed.tid().value()).isEqualTo(core.threads().get(0).tid());
        assertThat(crashed.crashed()).isTrue();
        assertThat(o.crash()).hasValueSatisfying(r -> assertThat(r.name()).contains("SIGSEGV"));
        assertThat(crashed.registers().find("cpsr").orElseThrow().value() & 0x20).as("cpsr's T bit: leaf is Thumb code").isEqualTo(0x20);
    }

    @Test void theSymHasArmCfiInBreakpadsRegisterNames() throws Exception {
        List<String> lines = ForeignMinidumps.programSym(made);
        assertThat(lines.get(0)).startsWith("MODULE Linux arm ");
        List<String> cfi = lines.stream().filter(l -> l.startsWith("STACK CFI ")).toList();
        assertThat(cfi).filteredOn(l -> l.startsWith("STACK CFI INIT ")).isNotEmpty()
                .allMatch(l -> l.contains(" .cfa: sp ") && l.contains(" .ra: "))
                .anyMatch(l -> l.endsWith(".cfa: sp 0 + .ra: lr"));
        assertThat(cfi).anyMatch(l -> l.matches(".* \\.ra: \\.cfa -?\\d+ \\+ \\^.*"))
                .noneMatch(l -> l.contains("$") || l.matches(".* r1[345][: ].*"));
        // Thumb functions' symbols have the low bit set; a FUNC starts at the code, where its CFI and first line do
        for (String f : List.of("leaf", "middle", "main")) {
            int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("FUNC ") && l.endsWith(" " + f)).findFirst().orElseThrow());
            String address = lines.get(at).split(" ")[1];
            assertThat(Long.parseLong(address, 16) & 1).as("FUNC %s", f).isZero();
            assertThat(lines.get(at + 1)).as("first LINE of %s", f).startsWith(address + " ");
            assertThat(cfi).as("STACK CFI INIT of %s", f).anyMatch(l -> l.startsWith("STACK CFI INIT " + address + " "));
        }
    }

    @Test void theStoreGivesEuStacksFramesAsFarAsEuStackGets() throws Exception {
        Map<Integer, List<EuStack.Frame>> eu = EuStack.run(made.crash().core(), made.crash().exe(), dir);
        DumpOverview o = ForeignMinidumps.readAlone(made, dir, made.store().toString());
        ForeignMinidumps.Seen seen = ForeignMinidumps.assertEuStacksFrames(o, eu, false);
        System.out.printf("arm minidump with the store: %d frames compared with eu-stack, %d names equal%n%s",
                seen.frames(), seen.named(), ForeignMinidumps.describe(o));
        for (ThreadStack st : o.report().stacks()) assertSourcesOfAStepByStepWalk(st, eu.get(st.tid().value()).size());
        assertThat(ForeignMinidumps.physical(o.report().stacks().get(0))).extracting(f -> f.function().orElse("?"))
                .startsWith("leaf", "middle", "main");
        assertWorkerFoundAndPcsWithoutTheThumbBit(o);
    }

    @Test void moduleFilesGiveEuStacksFramesAsFarAsEuStackGets() throws Exception {
        Map<Integer, List<EuStack.Frame>> eu = EuStack.run(made.crash().core(), made.crash().exe(), dir);
        DumpOverview o = MinidumpReader.read(made.minidump());
        ForeignMinidumps.Seen seen = ForeignMinidumps.assertEuStacksFrames(o, eu, false);
        System.out.printf("arm minidump with the module files: %d frames compared with eu-stack, %d names equal%n%s",
                seen.frames(), seen.named(), ForeignMinidumps.describe(o));
        for (ThreadStack st : o.report().stacks()) {
            List<StackFrame> fs = ForeignMinidumps.physical(st);
            assertThat(fs.get(0).source()).isEqualTo(FrameSource.REGISTERS);
            // libdwfl's walk where it got past frame 0, else the frame pointers and the scan, symbolized
            List<FrameSource> rest = fs.subList(1, fs.size()).stream().map(StackFrame::source).toList();
            boolean cfi = !rest.isEmpty() && rest.stream().allMatch(s -> s == FrameSource.CFI);
            boolean fallback = rest.stream().allMatch(s -> s == FrameSource.FRAME_POINTER || s == FrameSource.STACK_SCAN);
            assertThat(cfi || fallback).as("thread %s: %s", st.tid(), rest).isTrue();
        }
        assertThat(ForeignMinidumps.physical(o.report().stacks().get(0))).extracting(f -> f.function().orElse("?"))
                .startsWith("leaf", "middle", "main");
        assertWorkerFoundAndPcsWithoutTheThumbBit(o);
    }

    @Test void withoutStoreOrModuleFilesFramePointersOrTheScanAndSaySo() throws Exception {
        DumpOverview o = ForeignMinidumps.readAlone(made, dir, "");
        System.out.printf("arm minidump alone:%n%s", ForeignMinidumps.describe(o));
        for (ThreadStack st : o.report().stacks()) {
            assertThat(st.frames().get(0).source()).isEqualTo(FrameSource.REGISTERS);
            assertThat(st.frames().subList(1, st.frames().size())).extracting(StackFrame::source)
                    .allMatch(s -> s == FrameSource.FRAME_POINTER || s == FrameSource.STACK_SCAN);
        }
        assertThat(o.report().stacks()).allSatisfy(st -> assertThat(st.frames()).hasSizeGreaterThan(1));
        assertThat(o.report().stacks()).flatMap(ThreadStack::frames).allMatch(f -> (f.pc().value() & 1) == 0, "an even pc");
    }

    /**
     * The sleeping thread's walk leaves libc (by the scan) and reaches {@code worker}; every pc is an
     * instruction's address, a Thumb return address without its low bit, as eu-stack gives them.
     */
    private static void assertWorkerFoundAndPcsWithoutTheThumbBit(DumpOverview o) {
        assertThat(o.report().stacks()).anySatisfy(st -> assertThat(st.frames()).extracting(f -> f.function().orElse("?"))
                .containsSubsequence("usleep", "worker"));
        for (ThreadStack st : o.report().stacks()) {
            assertThat(st.frames()).as("thread %s", st.tid()).allMatch(f -> (f.pc().value() & 1) == 0, "an even pc");
        }
    }

    /**
     * Frame 0 from the registers; a caller of a function in libc (no CFI Sextant reads there) from frame
     * pointers or the scan; as far as eu-stack got, a caller of a function in the program from its CFI
     * (past that, the scan's stale return addresses may land where no CFI is, as on {@code _fini}).
     */
    private static void assertSourcesOfAStepByStepWalk(ThreadStack st, int euFrames) {
        List<StackFrame> fs = ForeignMinidumps.physical(st);
        assertThat(fs.get(0).source()).isEqualTo(FrameSource.REGISTERS);
        for (int i = 1; i < fs.size(); i++) {
            boolean calleeInProgram = fs.get(i - 1).module().orElse("").endsWith(made.exeName());
            if (!calleeInProgram) assertThat(fs.get(i).source()).as("thread %s frame %d", st.tid(), i).isIn(FrameSource.FRAME_POINTER, FrameSource.STACK_SCAN);
            else if (i < euFrames) assertThat(fs.get(i).source()).as("thread %s frame %d", st.tid(), i).isEqualTo(FrameSource.CFI);
        }
    }
}
