package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryData;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.dump.secondary.Decoded;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The notes of a core made at test time, listed as secondary data, against {@code readelf -n}. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ElfCoreSecondaryDataTest {
    @TempDir static Path dir;
    static Path core;
    static Path prog;

    @BeforeAll static void makeCore() throws IOException, InterruptedException {
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        Assumptions.assumeTrue(!pattern.startsWith("|") && !pattern.contains("/"),
                "core_pattern '" + pattern + "' does not write a core into the working directory");
        Path src = dir.resolve("crash.c");
        Files.writeString(src, """
                #include <stdio.h>
                static volatile int *p = (int *) 0x45;
                __attribute__((noinline)) static void crash(int n) { *p = n; }
                int main(void) { crash(5); return 0; }
                """);
        prog = dir.resolve("crash");
        Assumptions.assumeTrue(run(dir, "cc", "-g", "-O0", "-o", prog.toString(), src.toString()) == 0, "cc failed");
        run(dir, "bash", "-c", "ulimit -c unlimited; exec ./crash");
        try (Stream<Path> s = Files.list(dir)) {
            core = s.filter(p -> p.getFileName().toString().startsWith("core")).findFirst().orElse(null);
        }
        Assumptions.assumeTrue(core != null, "no core written (core dumps disabled here?)");
    }

    static int run(Path cwd, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /** Note rows of {@code readelf -n}: owner, 8-digit data size, type; NT_FILE's own address rows start with 0x and are skipped. */
    record ReadelfNote(String owner, long size, String type) {}

    static List<ReadelfNote> readelf(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("readelf", "-n", "-W", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "readelf -n failed: " + out);
        List<ReadelfNote> notes = new ArrayList<>();
        Matcher m = Pattern.compile("^\\s+([A-Za-z][\\w.]*)\\s+0x([0-9a-f]{8})\\s+(\\S+)", Pattern.MULTILINE).matcher(out);
        while (m.find()) notes.add(new ReadelfNote(m.group(1), Long.parseLong(m.group(2), 16), m.group(3)));
        return notes;
    }

    @Test void everyNoteIsListedWithReadelfsOwnerAndSize() throws IOException, InterruptedException {
        CoreFile cf = CoreFile.read(ByteReader.map(core, ByteOrder.LITTLE_ENDIAN));
        List<SecondaryData> data = SecondaryDataIndex.ofElfCore(cf);
        List<ReadelfNote> oracle = readelf(core);
        assertThat(oracle).isNotEmpty();
        assertThat(data).extracting(SecondaryData::component).containsExactlyElementsOf(oracle.stream().map(ReadelfNote::owner).toList());
        assertThat(data).extracting(SecondaryData::size).containsExactlyElementsOf(oracle.stream().map(ReadelfNote::size).toList());
        for (int i = 0; i < data.size(); i++) {
            String name = data.get(i).name();
            if (name.startsWith("NT_") && oracle.get(i).type().startsWith("NT_")) {
                assertThat(name).as("note %d", i).isEqualTo(oracle.get(i).type());
            }
        }
        assertThat(data).extracting(SecondaryData::name).contains("NT_PRSTATUS", "NT_PRPSINFO", "NT_SIGINFO", "NT_AUXV", "NT_FILE");
    }

    @Test void coreNotesAreDecoded() throws IOException {
        CoreFile cf = CoreFile.read(ByteReader.map(core, ByteOrder.LITTLE_ENDIAN));
        List<SecondaryData> data = SecondaryDataIndex.ofElfCore(cf);
        Decoded sig = find(data, "NT_SIGINFO").decode();
        assertThat(((Decoded.KeyValues) sig).entries()).contains(new Decoded.Entry("si_signo", "11 (SIGSEGV)"),
                new Decoded.Entry("si_addr", "0x45"));
        Decoded auxv = find(data, "NT_AUXV").decode();
        assertThat(((Decoded.KeyValues) auxv).entries()).contains(new Decoded.Entry("AT_PAGESZ", "0x1000"));
        Decoded files = find(data, "NT_FILE").decode();
        assertThat(files.render()).contains(prog.toRealPath().toString());
        assertThat(find(data, "NT_PRSTATUS").decode()).isInstanceOf(Decoded.Hex.class);
        Decoded ps = find(data, "NT_PRPSINFO").decode();
        assertThat(((Decoded.KeyValues) ps).entries()).contains(new Decoded.Entry("pr_fname", "crash"),
                new Decoded.Entry("pr_pid", Integer.toString(cf.process().orElseThrow().pid())),
                new Decoded.Entry("pr_psargs", "./crash"));
    }

    @Test void overviewOfTheCoreNamesTheSignalAndListsTheNotes() {
        Assumptions.assumeTrue(ElfSession.unavailableReason().isEmpty(), "libdw not available");
        DumpReport r = ElfCoreReader.read(core, CoreOptions.DEFAULT, CoreReadListener.NONE, new Cancellation());
        DumpOverview o = DumpOverview.ofElfCore(r, core);
        assertThat(o.crash().orElseThrow().name()).isEqualTo("SIGSEGV");
        assertThat(o.crash().orElseThrow().address().orElseThrow().value()).isEqualTo(0x45);
        assertThat(o.crash().orElseThrow().tid()).isPresent();
        assertThat(o.secondaryData()).extracting(SecondaryData::tag).contains("note:CORE:0x1", "note:CORE:0x53494749");
    }

    static SecondaryData find(List<SecondaryData> data, String name) {
        return data.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }
}
