package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diagnoses that must say what is wrong, not something else: a truncated core does not blame the
 * executable that is the right one, and a core gdb's {@code gcore} wrote of a running process has
 * no signal and no crashed thread (as gdb itself says).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MisdiagnosisTest {
    @TempDir static Path dir;

    static DumpReport read(Path core, Optional<Path> exe) {
        return ElfCoreReader.read(core, new CoreOptions(exe, Optional.empty()), CoreReadListener.NONE, new Cancellation());
    }

    @Test void aTruncatedCoreDoesNotBlameTheRightExecutable() throws Exception {
        Path exe = NativePrograms.compile("crash", dir);
        Path core = NativePrograms.coreOf(exe, dir);
        byte[] all = Files.readAllBytes(core);
        java.util.Set<String> stops = new java.util.LinkedHashSet<>();
        for (int len : new int[] {4096, 8192, 12288, 16384, 32768, 65536, all.length / 4, all.length / 2}) {
            Path cut = dir.resolve("cut-" + len + ".core");
            Files.write(cut, Arrays.copyOf(all, len));
            DumpReport r;
            try {
                r = read(cut, Optional.of(exe));
            } catch (dev.sextant.engine.api.TargetException e) {
                continue;                                        // cut inside the notes: said so, nothing to blame
            }
            assertThat(r.diagnostics()).as("cut at %d", len).noneSatisfy(d -> assertThat(d.message()).contains("is not the executable"));
            assertThat(r.diagnostics()).as("cut at %d", len).anySatisfy(d -> assertThat(d.message()).contains("truncated"));
            // a walk cut short by the missing memory says so in words, not only as libdwfl's "Callback returned failure"
            for (var st : r.stacks()) {
                st.stopReason().ifPresent(why -> {
                    stops.add(why);
                    assertThat(why).as("cut at %d", len).doesNotStartWith("Callback returned failure").doesNotStartWith("invalid operation");
                });
            }
        }
        System.out.println("stop reasons of the truncated cores: " + stops);
        // Modules now come from the core's NT_FILE note and their files are found even when the core's
        // copy of their first pages is cut off, so a cut core may walk as far as its stack memory
        // allows without a stop to report; any stop there is must be said in words.
        assertThat(stops).as("stops of the truncated cores")
                .allSatisfy(why -> assertThat(why).matches("(no unwind information|the unwinder needed memory|the unwind information|the walk stopped).*"));
        // A different program given as the executable is still refused, and said so.
        Path other = NativePrograms.compile("threads", Files.createDirectories(dir.resolve("other")));
        DumpReport wrong = read(core, Optional.of(other));
        assertThat(wrong.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains("is not the executable that produced this core"));
    }

    @Test void aCoreGcoreWroteOfARunningProcessHasNoSignalAndNoCrashedThread() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb") && Tools.onPath("cc"), "no gdb or cc");
        Path src = Path.of("src/test/native/blocked.c").toAbsolutePath();
        Path exe = dir.resolve("blocked");
        Tools.Result cc = Tools.run(dir, 60, List.of("cc", "-g", "-pthread", "-o", exe.toString(), src.toString()));
        assertThat(cc.exit()).as(cc.stderr()).isZero();
        Path out = dir.resolve("blocked.out");
        Process p = new ProcessBuilder(exe.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.readString(out).contains("ready") && System.nanoTime() < deadline) Thread.onSpinWait();
        try {
            Path core = dir.resolve("gcore.core");
            Tools.Result g = Tools.run(dir, 60, List.of("gdb", "-batch", "-p", String.valueOf(p.pid()), "-ex", "gcore " + core));
            Assumptions.assumeTrue(Files.isRegularFile(core), "gdb could not attach here: " + g.stderr());
            Tools.Result ref = Tools.run(dir, 60, List.of("gdb", "-batch", "-c", core.toString(), exe.toString()));
            assertThat(ref.stdout() + ref.stderr()).doesNotContain("terminated with signal");   // gdb: no signal
            DumpReport r = read(core, Optional.of(exe));
            assertThat(r.signal()).isEmpty();
            assertThat(r.threads()).extracting(ThreadInfo::crashed).containsOnly(false);
        } finally {
            p.destroyForcibly();
        }
    }
}
