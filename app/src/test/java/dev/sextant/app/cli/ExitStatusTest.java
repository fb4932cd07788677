package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.cli.StackCommandTest.Run;
import dev.sextant.engine.format.minidump.MinidumpBuilder;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit statuses the commands share (README, "Exit statuses"), on real damaged files made here: a
 * core of a test program cut in half, a minidump cut short, an executable whose section header table is
 * cut off. Every command that reads the same damaged input says so on stderr and exits 1; an unusable
 * input exits 2.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExitStatusTest {
    @TempDir static Path dir;
    static Path exe, core, halfCore;

    @BeforeAll static void makeFiles() throws Exception {
        exe = NativePrograms.compile("crash", dir);
        core = NativePrograms.coreOf(exe, dir);
        byte[] b = Files.readAllBytes(core);
        halfCore = Files.write(dir.resolve("core.half"), Arrays.copyOf(b, b.length / 2));
    }

    /** One run of the command line in this JVM, as every CLI test runs it. */
    static Run run(String... args) { return StackCommandTest.run(args); }

    @Test void aTruncatedCoreIsStatusOneForStackDumpSymbolsAndLocalsAlike() {
        for (String[] args : new String[][] {
                {"stack", "--core", halfCore.toString(), "--exe", exe.toString()},
                {"dump", halfCore.toString()},
                {"symbols", "--core", halfCore.toString(), "--exe", exe.toString()},
                {"locals", "--core", halfCore.toString(), "--exe", exe.toString()}}) {
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(1);
            assertThat(r.err()).as(args[0]).contains("truncated core").contains("bytes present");
            assertThat(r.out()).as(args[0] + " still prints what it could read").isNotBlank();
        }
        // the whole core: all three say 0
        assertThat(run("symbols", "--core", core.toString(), "--exe", exe.toString()).exit()).isZero();
        assertThat(run("stack", "--core", core.toString(), "--exe", exe.toString()).exit()).isZero();
    }

    @Test void aTruncatedMinidumpIsStatusOneForStackAndDumpAlike() throws Exception {
        MinidumpBuilder b = new MinidumpBuilder();
        long ctx = b.amd64Context(0x401000, 0x7ffc1000, 0x7ffc1040);
        long stack = b.blob(new byte[512]);
        b.systemInfo(9, 0x8201, 2);
        b.threadList(0, new long[][] {{100, 0x7ffc1000, 512, stack, ctx}});
        b.memoryList(0, new long[][] {{0x7ffc1000, 512, stack}});
        b.exception(100, 0xb, 0, 0, new long[] {0}, ctx);
        byte[] whole = b.build();
        Path dump = Files.write(dir.resolve("cut.dmp"), Arrays.copyOf(whole, whole.length - 40));   // the exception stream is cut
        Run st = run("stack", "--core", dump.toString());
        Run du = run("dump", dump.toString());
        assertThat(st.exit()).as(st.err()).isEqualTo(1);
        assertThat(du.exit()).as(du.err()).isEqualTo(1);
        assertThat(st.err()).contains("Exception stream").contains("outside the file");
        assertThat(du.err()).contains("Exception stream").contains("outside the file");
        Path whole_ = Files.write(dir.resolve("whole.dmp"), whole);
        assertThat(run("dump", whole_.toString()).exit()).isZero();
        assertThat(run("stack", "--core", whole_.toString()).exit()).isZero();
    }

    @Test void unwindReadsEhFrameThroughTheProgramHeadersWhenTheSectionHeadersAreCutOff() throws Exception {
        byte[] b = Files.readAllBytes(exe);
        long shoff = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        Path cut = Files.write(dir.resolve("crash.cut"), Arrays.copyOf(b, (int) shoff + 10));
        Run whole = run("unwind", "--at", "0x1139", exe.toString());
        Run r = run("unwind", "--at", "0x1139", cut.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("section header table").contains("PT_GNU_EH_FRAME");
        // the row in effect is the one the intact file gives (its symbol name aside: no symbols without sections)
        String row = whole.out().lines().filter(l -> l.contains("CFA=")).findFirst().orElseThrow();
        assertThat(r.out()).contains(row.trim());
        // the FDE count is the intact file's
        Run allWhole = run("unwind", exe.toString()), allCut = run("unwind", cut.toString());
        String count = allWhole.out().lines().filter(l -> l.startsWith(".eh_frame at")).findFirst().orElseThrow();
        assertThat(allCut.out()).contains(count);
        // ... and readelf's on the intact file
        NativePrograms.Tools.Result readelf = NativePrograms.Tools.reference("readelf", "--debug-dump=frames", exe.toString());
        long fdes = readelf.stdout().lines().filter(l -> l.contains(" FDE cie=")).count();
        assertThat(count).contains(": " + fdes + " FDEs");
    }

    @Test void aFileOfAnUnknownElfTypeIsNamedInPlainWords() throws Exception {
        byte[] b = Files.readAllBytes(core);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(16, (short) 7);
        Path odd = Files.write(dir.resolve("core.type7"), Arrays.copyOf(b, 4096));
        Run r = run("dump", odd.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("file of unknown type (e_type 7), not a core file").doesNotContain("ELF ELF");
    }

    @Test void usageErrorsAreStatusTwo() {
        assertThat(run("stack", "--core").exit()).isEqualTo(2);
        assertThat(run("dump", dir.resolve("no-such-file").toString()).exit()).isEqualTo(2);
    }
}
