package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one clear line that names the file and the problem, never a crash or a hang. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BadCoreTest {
    @TempDir static Path dir;
    static NativePrograms.Crashed crash;

    @BeforeAll static void makeCore() throws Exception { crash = NativePrograms.crashed("crash", dir); }

    static DumpReport read(Path p) {
        return ElfCoreReader.read(p, CoreOptions.DEFAULT, CoreReadListener.NONE, new Cancellation());
    }

    @Test void emptyFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.core"));
        assertThatThrownBy(() -> read(empty)).isInstanceOf(TargetException.class)
                .hasMessage(empty + ": the file is empty, not a core file");
    }

    @Test void notAnElfFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, this is not a core dump\n".repeat(10));
        assertThatThrownBy(() -> read(text)).isInstanceOf(TargetException.class)
                .hasMessageStartingWith(text + ": not a dump Sextant reads (it starts with 68 65 6c 6c)")
                .hasMessageContaining("ELF core files").hasMessageContaining("minidumps");
    }

    @Test void anElfThatIsNotACore() {
        assertThatThrownBy(() -> read(crash.exe())).isInstanceOf(TargetException.class)
                .hasMessageContaining(crash.exe().toString())
                .hasMessageContaining("not a core file");
    }

    @Test void missingFile() {
        Path none = dir.resolve("does-not-exist.core");
        assertThatThrownBy(() -> read(none)).isInstanceOf(TargetException.class).hasMessage(none + ": no such file");
    }

    @Test void coreCutInsideItsNotesNamesTheOffset() throws Exception {
        Path cut = truncated(crash.core(), 900);
        assertThatThrownBy(() -> read(cut)).isInstanceOf(TargetException.class)
                .hasMessageContaining(cut.toString()).hasMessageContaining("offset 0x");
    }

    @Test void coreCutInItsMemoryGivesAPartialReportThatSaysSo() throws Exception {
        long size = Files.size(crash.core());
        Path cut = truncated(crash.core(), size / 2);
        DumpReport r = read(cut);
        assertThat(r.threads()).hasSize(1);
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Severity.ERROR);
            assertThat(d.message()).contains("truncated core");
        });
    }

    @Test void coreWhoseExecutableIsMissingSaysWhichAndWhatToDo() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("moved"));
        NativePrograms.Crashed moved = NativePrograms.crashed("crash", sub);
        Files.delete(moved.exe());
        DumpReport r = read(moved.core());
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message())
                .isEqualTo(moved.core() + ": executable " + moved.exe() + " not found, so its frames have no symbols; pass --exe FILE"));
        assertThat(r.stacks().get(0).frames()).isNotEmpty();
    }

    @Test void truncationSweepOnlyEverGivesTargetExceptionsOrPartialReports() throws Exception {
        byte[] all = Files.readAllBytes(crash.core());
        int[] cuts = {1, 4, 15, 16, 52, 63, 64, 65, 100, 200, 400, 800, 1200, 2000, 3000, 4096, 5000, 8192, 12000,
                all.length / 4, all.length / 3, all.length / 2, all.length - 4096, all.length - 1};
        for (int n : Arrays.stream(cuts).filter(c -> c > 0 && c < all.length).toArray()) {
            Path cut = dir.resolve("sweep-" + n + ".core");
            Files.write(cut, Arrays.copyOf(all, n));
            try {
                DumpReport r = read(cut);
                assertThat(r.threads()).as("cut at %d", n).isNotEmpty();
            } catch (TargetException expected) {
                assertThat(expected.getMessage()).as("cut at %d", n).startsWith(cut.toString() + ": ");
            }
        }
    }

    static Path truncated(Path src, long length) throws Exception {
        Path out = dir.resolve("cut-" + length + ".core");
        Files.write(out, Arrays.copyOf(Files.readAllBytes(src), (int) length));
        return out;
    }
}
