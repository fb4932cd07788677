package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel core of a multi-threaded program re-written by {@link DumpWriter} with reason callbacks
 * registered: gdb, eu-stack, readelf and Sextant read the written core as they read the original.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DumpWriterTest {
    static final UUID GUID = UUID.fromString("6f1c0d2e-8a55-4b7e-9d3a-5e1f00c0ffee");
    static final String BLOB = "queue depth=17 last-request=GET /index.html";

    @TempDir static Path dir;
    static Path exe, original, written, plain;
    static DumpReport originalReport;
    static DumpWriter.Result result;
    static final MessageDigest seen = sha256();
    static final List<Long> blockOffsets = new ArrayList<>();
    static DumpSource.Mapping text;        // program text the kernel stored: left out unless asked
    static long addedPage;

    @BeforeAll static void writeCores() throws Exception {
        exe = NativePrograms.compile("abortthreads", dir);
        original = NativePrograms.coreOf(exe, dir, "8");
        originalReport = ElfCoreReader.read(original, CoreOptions.DEFAULT, new CoreReadListener() {}, new Cancellation());
        try (CoreDumpSource src = CoreDumpSource.open(original)) {
            text = src.mappings().stream().filter(m -> DumpLayout.isFileText(m) && m.fileOffset() != 0
                    && m.length() >= 2 * DumpWriter.PAGE && src.readable(m).equals(List.of(new ReasonData.MemoryRange(m.start(), m.end()))))
                    .findFirst().orElse(null);
            addedPage = text == null ? 0 : text.start() + DumpWriter.PAGE;

            DumpWriter writer = new DumpWriter();
            assertThat(writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), (reason, rec, data) -> {
                ((ReasonData.SecondaryDumpData) data).supply(GUID, BLOB.getBytes(StandardCharsets.UTF_8));
            }, CallbackReason.SECONDARY_DUMP_DATA, "request-tracker")).isTrue();
            assertThat(writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), (reason, rec, data) -> {
                throw new IllegalStateException("component state is corrupt");
            }, CallbackReason.SECONDARY_DUMP_DATA, "broken-component")).isTrue();
            assertThat(writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), (reason, rec, data) -> {
                ReasonData.SecondaryDumpData d = (ReasonData.SecondaryDumpData) data;
                d.supply(UUID.randomUUID(), new byte[d.maximumSize() + 1]);
            }, CallbackReason.SECONDARY_DUMP_DATA, "greedy-component")).isTrue();
            assertThat(writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), (reason, rec, data) -> {
                if (text != null) ((ReasonData.AddPages) data).add(addedPage, 100);
            }, CallbackReason.ADD_PAGES, "page-adder")).isTrue();
            assertThat(writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), (reason, rec, data) -> {
                ReasonData.DumpIo io = (ReasonData.DumpIo) data;
                blockOffsets.add(io.fileOffset());
                ByteBuffer b = io.bytes();
                blockOffsets.add(io.fileOffset() + b.remaining());
                seen.update(b);
            }, CallbackReason.DUMP_IO, "mirror")).isTrue();
            written = dir.resolve("written.core");
            result = writer.write(src, written, DumpWriter.Options.DEFAULT);
            plain = dir.resolve("plain.core");
            new DumpWriter().write(src, plain, DumpWriter.Options.DEFAULT);
        }
    }

    @Test void sextantReadsTheSameThreadsAndStacks() {
        DumpReport again = ElfCoreReader.read(written, CoreOptions.DEFAULT, new CoreReadListener() {}, new Cancellation());
        assertThat(again.threads()).hasSize(9);
        assertThat(frames(again)).isEqualTo(frames(originalReport));
        assertThat(again.signal()).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("SIGABRT"));
        assertThat(again.process().pid()).isEqualTo(originalReport.process().pid());
    }

    @Test void euStackReportsWhatSextantReadFromTheOriginal() throws Exception {
        Assumptions.assumeTrue(EuStack.available(), "eu-stack (elfutils) is not installed");
        Map<Integer, List<EuStack.Frame>> theirs = EuStack.run(written, null, dir);
        Map<Integer, List<String>> ours = new java.util.LinkedHashMap<>();
        for (ThreadStack st : originalReport.stacks()) {
            ours.put(st.tid().value(), st.frames().stream().filter(f -> !f.inline())
                    .map(f -> String.format("0x%x %s", f.pc().value(), f.function().orElse(""))).toList());
        }
        Map<Integer, List<String>> eu = new java.util.LinkedHashMap<>();
        theirs.forEach((tid, fs) -> eu.put(tid, fs.stream().map(f -> String.format("0x%x %s", f.pc(), f.function())).toList()));
        assertThat(eu).isEqualTo(ours);
        assertThat(eu.values()).allSatisfy(fs -> assertThat(fs).isNotEmpty());
    }

    @Test void gdbPrintsTheSameThreadsAndBacktracesAsForTheOriginal() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb"), "gdb is not installed");
        List<String> before = gdbThreads(original), after = gdbThreads(written);
        assertThat(after).isEqualTo(before);
        assertThat(after.stream().filter(l -> l.startsWith("Thread "))).hasSize(9);
        assertThat(after.stream().filter(l -> l.contains(" in middle ("))).hasSize(8);
    }

    @Test void readelfListsTheNotes() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("readelf"), "readelf (binutils) is not installed");
        Tools.Result r = Tools.run(dir, 60, List.of("readelf", "-n", "-W", written.toString()));
        assertThat(r.exit()).isZero();
        String out = r.stdout();
        assertThat(count(out, "NT_PRSTATUS")).isEqualTo(9);
        assertThat(out).contains("NT_PRPSINFO", "NT_SIGINFO", "NT_AUXV", "NT_FILE", "SEXTANT");
        String orig = Tools.run(dir, 60, List.of("readelf", "-n", "-W", original.toString())).stdout();
        assertThat(count(out, "NT_FPREGSET")).isEqualTo(count(orig, "NT_FPREGSET"));
        assertThat(count(out, "NT_X86_XSTATE")).isEqualTo(count(orig, "NT_X86_XSTATE"));
        assertThat(readelfFiles(out)).isEqualTo(readelfFiles(orig));
    }

    @Test void secondaryDataIsANoteListedUnderItsComponent() throws Exception {
        CoreFile core = CoreFile.read(ByteReader.map(written, ByteOrder.LITTLE_ENDIAN));
        List<SecondaryData> list = SecondaryDataIndex.ofElfCore(core);
        List<SecondaryData> ours = list.stream().filter(d -> d.component().equals("request-tracker")).toList();
        assertThat(ours).hasSize(1);
        assertThat(ours.get(0).name()).isEqualTo("{" + GUID + "}");
        String shown = ours.get(0).decode().render();
        assertThat(shown).contains("component = request-tracker", "guid = {" + GUID + "}", "data = " + BLOB);
        assertThat(list).noneMatch(d -> d.component().equals("broken-component") || d.component().equals("greedy-component"));
    }

    @Test void addPagesRangeIsReadableOnlyWhenAsked() throws Exception {
        Assumptions.assumeTrue(text != null, "the original core stores no program text (coredump_filter)");
        byte[] expected = new byte[(int) DumpWriter.PAGE];
        try (CoreDumpSource o = CoreDumpSource.open(original); CoreDumpSource w = CoreDumpSource.open(written);
             CoreDumpSource p = CoreDumpSource.open(plain)) {
            assertThat(o.read(addedPage, ByteBuffer.wrap(expected))).isEqualTo(expected.length);
            byte[] got = new byte[expected.length];
            assertThat(w.read(addedPage, ByteBuffer.wrap(got))).isEqualTo(got.length);
            assertThat(got).isEqualTo(expected);
            assertThat(p.read(addedPage, ByteBuffer.allocate(16))).as("left out without AddPages").isZero();
            assertThat(w.read(text.start() + 2 * DumpWriter.PAGE, ByteBuffer.allocate(16))).as("only the page asked for").isZero();
        }
    }

    @Test void dumpIoSawEveryByteInOrder() throws Exception {
        byte[] file = Files.readAllBytes(written);
        assertThat(result.size()).isEqualTo(file.length);
        assertThat(((MessageDigest) seen.clone()).digest()).isEqualTo(sha256().digest(file));
        assertThat(blockOffsets.get(0)).isZero();
        for (int i = 1; i + 1 < blockOffsets.size(); i += 2) assertThat(blockOffsets.get(i + 1)).isEqualTo(blockOffsets.get(i));
        assertThat(blockOffsets.get(blockOffsets.size() - 1)).isEqualTo(file.length);
    }

    @Test void throwingAndOverrunningRoutinesAreSkippedAndReported() {
        List<String> messages = result.diagnostics().stream().map(Diagnostic::message).toList();
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("KbCallbackSecondaryDumpData", "broken-component",
                "component state is corrupt", "skipped"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("KbCallbackSecondaryDumpData", "greedy-component",
                "more than its 1048576", "skipped"));
    }

    @Test void throwingDumpIoRoutineIsDroppedAndTheDumpStillWritten() throws Exception {
        DumpWriter writer = new DumpWriter();
        int[] calls = {0};
        writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), (reason, rec, data) -> {
            if (++calls[0] == 2) throw new java.io.IOException("mirror disk full");
        }, CallbackReason.DUMP_IO, "mirror");
        Path out = dir.resolve("after-throw.core");
        DumpWriter.Result r;
        try (CoreDumpSource src = CoreDumpSource.open(original)) {
            r = writer.write(src, out, DumpWriter.Options.DEFAULT);
        }
        assertThat(calls[0]).isEqualTo(2);
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains("KbCallbackDumpIo", "mirror disk full"));
        DumpReport again = ElfCoreReader.read(out, CoreOptions.DEFAULT, new CoreReadListener() {}, new Cancellation());
        assertThat(frames(again)).isEqualTo(frames(originalReport));
    }

    @Test void addPagesOutsideTheTargetOrWrappingAreReportedAndTheDumpStillWritten() throws Exception {
        DumpWriter writer = new DumpWriter();
        writer.registerReasonCallback(new ReasonCallbackRecord().initialize(),
                (reason, rec, data) -> ((ReasonData.AddPages) data).add(0x1000, 0x1000), CallbackReason.ADD_PAGES, "nowhere");
        writer.registerReasonCallback(new ReasonCallbackRecord().initialize(),
                (reason, rec, data) -> ((ReasonData.AddPages) data).add(-4096, 8192), CallbackReason.ADD_PAGES, "wrapper");
        Path out = dir.resolve("odd-pages.core");
        DumpWriter.Result r;
        try (CoreDumpSource src = CoreDumpSource.open(original)) {
            r = writer.write(src, out, DumpWriter.Options.DEFAULT);
        }
        List<String> messages = r.diagnostics().stream().map(Diagnostic::message).toList();
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("0x1000-0x2000", "in no mapping"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("KbCallbackAddPages", "wrapper", "wraps around", "skipped"));
        assertThat(Files.size(out)).isEqualTo(Files.size(plain));
    }

    /**
     * A PT_LOAD whose memory size no address space holds (a damaged header; the hostile sweep's one
     * hang: save-dump walked it for minutes) is refused at once, naming the segment.
     */
    @Test void aSegmentLargerThanAnyAddressSpaceIsRefusedNamingIt() throws Exception {
        byte[] core = Files.readAllBytes(original);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(core).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54)), phnum = Short.toUnsignedInt(b.getShort(56));
        int at = -1;
        for (int i = 0; i < phnum && at < 0; i++) if (b.getInt((int) phoff + i * phentsize) == 1) at = (int) phoff + i * phentsize;
        long vaddr = b.getLong(at + 16);
        b.putLong(at + 40, 0xf600000000003000L);          // p_memsz, its top byte damaged
        Path damaged = Files.write(dir.resolve("damaged-memsz.core"), core);
        assertThatThrownBy(() -> CoreDumpSource.open(damaged).close())
                .isInstanceOf(dev.sextant.engine.api.TargetException.class)
                .hasMessageContaining(String.format("segment at 0x%x claims 0xf600000000003000 bytes", vaddr));
    }

    @Test void badRegistrationsAreRefused() {
        DumpWriter writer = new DumpWriter();
        ReasonRoutine nothing = (reason, rec, data) -> { };
        ReasonCallbackRecord uninitialised = new ReasonCallbackRecord();
        assertThat(writer.registerReasonCallback(uninitialised, nothing, CallbackReason.DUMP_IO, "c")).isFalse();
        ReasonCallbackRecord rec = new ReasonCallbackRecord().initialize();
        assertThat(writer.registerReasonCallback(rec, nothing, CallbackReason.DUMP_IO, "c")).isTrue();
        assertThat(writer.registerReasonCallback(rec, nothing, CallbackReason.ADD_PAGES, "c")).as("already registered").isFalse();
        assertThat(new DumpWriter().registerReasonCallback(rec, nothing, CallbackReason.ADD_PAGES, "c")).as("registered elsewhere").isFalse();
        assertThat(new DumpWriter().deregisterReasonCallback(rec)).as("not registered with that writer").isFalse();
        assertThat(writer.deregisterReasonCallback(rec)).isTrue();
        assertThat(rec.state()).isEqualTo(ReasonCallbackRecord.State.READY);
        assertThat(writer.deregisterReasonCallback(rec)).isFalse();
        assertThat(writer.registerReasonCallback(rec, nothing, CallbackReason.ADD_PAGES, "c")).as("again after deregistering").isTrue();
        assertThat(writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), null, CallbackReason.DUMP_IO, "c")).isFalse();
    }

    static List<String> frames(DumpReport r) {
        List<String> out = new ArrayList<>();
        for (ThreadStack st : r.stacks()) {
            out.add("TID " + st.tid().value());
            for (StackFrame f : st.frames()) out.add(String.format("0x%x %s %s", f.pc().value(), f.function().orElse("?"), f.line()));
        }
        return out;
    }

    static List<String> gdbThreads(Path core) throws Exception {
        Tools.Result r = Tools.run(dir, 120, List.of("gdb", "-batch", "-nx", "-ex", "set debuginfod enabled off",
                "-ex", "thread apply all bt", exe.toString(), core.toString()));
        return r.stdout().lines().filter(l -> l.startsWith("Thread ") || l.startsWith("#")).toList();
    }

    static List<String> readelfFiles(String notes) {
        return notes.lines().filter(l -> l.strip().startsWith("0x") || l.strip().startsWith("/")).map(String::strip).toList();
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
