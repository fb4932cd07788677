package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.Main;
import dev.sextant.engine.dump.CallbackReason;
import dev.sextant.engine.dump.CoreDumpSource;
import dev.sextant.engine.dump.DumpWriter;
import dev.sextant.engine.dump.ReasonCallbackRecord;
import dev.sextant.engine.dump.ReasonData;
import dev.sextant.engine.dump.SecondaryDataIndex;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.testing.NativePrograms;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant save-dump --core IN -o OUT}: the written core holds the same threads, signal and files as the original. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SaveDumpCommandTest {
    @TempDir Path dir;

    record Result(int status, String out, String err) {}

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test void rewritesACoreWithTheSameThreadsSignalAndFiles() throws Exception {
        Path exe = NativePrograms.compile("abortthreads", dir);
        Path core = NativePrograms.coreOf(exe, dir, "3");
        Path out = dir.resolve("saved.core");
        Result r = run("save-dump", "--core", core.toString(), "-o", out.toString(), "--sha256");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 threads");
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)));
        assertThat(r.out()).contains("sha256 " + hex);
        CoreFile before = CoreFile.read(ByteReader.map(core, ByteOrder.LITTLE_ENDIAN));
        CoreFile after = CoreFile.read(ByteReader.map(out, ByteOrder.LITTLE_ENDIAN));
        assertThat(after.threads()).extracting(CoreFile.PrStatus::tid).containsExactlyElementsOf(
                before.threads().stream().map(CoreFile.PrStatus::tid).toList());
        for (int i = 0; i < before.threads().size(); i++) assertThat(after.threads().get(i).regs()).isEqualTo(before.threads().get(i).regs());
        assertThat(after.signal()).isEqualTo(before.signal());
        assertThat(after.files()).isEqualTo(before.files());
        assertThat(after.auxv()).isEqualTo(before.auxv());
        assertThat(after.process()).isEqualTo(before.process());
    }

    @Test void dumpListsAComponentsSecondaryDataByComponentAndGuid() throws Exception {
        Path exe = NativePrograms.compile("abortthreads", dir);
        Path core = NativePrograms.coreOf(exe, dir, "1");
        Path out = dir.resolve("tagged.core");
        java.util.UUID guid = java.util.UUID.fromString("0b5e55ed-0000-4000-8000-00000000c0de");
        DumpWriter writer = new DumpWriter();
        assertThat(writer.registerReasonCallback(new ReasonCallbackRecord().initialize(), (reason, rec, data) ->
                ((ReasonData.SecondaryDumpData) data).supply(guid, "cache: 12 entries".getBytes(StandardCharsets.UTF_8)),
                CallbackReason.SECONDARY_DUMP_DATA, "cache-service")).isTrue();
        try (CoreDumpSource src = CoreDumpSource.open(core)) {
            writer.write(src, out, DumpWriter.Options.DEFAULT);
        }
        Result json = run("dump", out.toString(), "--json");
        List<String> rows = DumpCommandTest.query(json.out(),
                "[(d['tag'], d['size']) for d in j['secondaryData'] if d['component'] == 'cache-service']");
        assertThat(rows).containsExactly("[('" + SecondaryDataIndex.SECONDARY_DUMP_DATA_TAG + "', " + (20 + 13 + 17) + ")]");
        Result text = run("dump", out.toString(), "--data");
        assertThat(text.out()).contains("cache-service", "{" + guid + "}", "cache: 12 entries");
    }

    @Test void savesALiveProcessThatRunsOnAfterwards() throws Exception {
        Path exe = NativePrograms.compile("blocked", dir);
        int pid = NativePrograms.start(exe).pid();
        try {
            Path out = dir.resolve("live.core");
            Result r = run("save-dump", "--pid", Integer.toString(pid), "-o", out.toString(), "--sha256");
            org.junit.jupiter.api.Assumptions.assumeFalse(r.err().contains("refused"), "ptrace not permitted here: " + r.err());
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("4 threads");
            String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)));
            assertThat(r.out()).contains("sha256 " + hex);
            CoreFile core = CoreFile.read(ByteReader.map(out, ByteOrder.LITTLE_ENDIAN));
            final int target = pid;
            assertThat(core.process()).hasValueSatisfying(ps -> assertThat(ps.pid()).isEqualTo(target));
            assertThat(core.threads()).hasSize(4).allSatisfy(t -> assertThat(t.regs()[16]).as("rip").isNotZero());
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            assertThat(status).contains("TracerPid:\t0").containsPattern("State:\\s+S");
            Result json = run("dump", out.toString(), "--json");
            assertThat(json.out()).contains("\"read_mid\"", "\"wait_top\"", "\"sleep_mid\"", "\"main_wait\"");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test void refusesWhatItCannotDo() throws Exception {
        Path out = dir.resolve("x.core");
        Result gone = run("save-dump", "--pid", "999999999", "-o", out.toString());
        assertThat(gone.status()).isEqualTo(2);
        assertThat(gone.err()).contains("999999999 does not exist");
        Path notCore = Files.writeString(dir.resolve("text"), "this is a text file, not a core file at all, long enough for a header");
        Result r = run("save-dump", "--core", notCore.toString(), "-o", out.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("not an ELF file");
        assertThat(run("save-dump", "--core", notCore.toString(), "-o", out.toString(), "--include", "zz").status()).isEqualTo(2);
        assertThat(out).doesNotExist();
    }
}
