package dev.sextant.engine.elfutils;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.Note;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A core without an {@code NT_FILE} note (a real crash's core with that note's type overwritten):
 * its modules come from the dynamic linker's list in its memory, read by Sextant (no path in Sextant
 * calls {@code dwfl_core_file_report}), and agree with the NT_FILE listing of the same core and with
 * {@code eu-unstrip -n}, which reads that list through libdwfl.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LinkMapModulesTest {
    @TempDir static Path dir;
    static Path core, withoutNtFile, lib;

    @BeforeAll static void crashInARelativelyNamedLibrary() throws Exception {
        Path exe = NativePrograms.compile("relativelib", dir);
        Path src = NativePrograms.source("faultlib", dir);
        lib = dir.resolve("libfaultlib.so");
        Tools.succeed(dir, "cc", "-g", "-O0", "-shared", "-fPIC", "-o", lib.toString(), src.toString());
        core = NativePrograms.coreOf(exe, dir);
        withoutNtFile = dir.resolve("core-without-nt-file");
        Files.copy(core, withoutNtFile);
        Note ntFile = CoreFile.open(core).notes().stream().filter(n -> n.type() == Note.NT_FILE && n.owner().equals("CORE")).findFirst()
                .orElseThrow(() -> new AssertionError("the kernel's core has an NT_FILE note"));
        try (RandomAccessFile f = new RandomAccessFile(withoutNtFile.toFile(), "rw")) {
            f.seek(ntFile.fileOffset() - 8 - 4);        // n_type: before the name ("CORE\0", padded to 8) and after n_namesz, n_descsz
            f.write(new byte[] {0x7f, 0, 0, 0});        // a type nobody defines
        }
    }

    @Test void theDynamicLinkersListGivesTheModulesNtFileGives() throws Exception {
        CoreFile notes = CoreFile.open(withoutNtFile);
        assertThat(notes.files()).as("the patched core's NT_FILE").isEmpty();
        CoreModules fromList = CoreModules.of(withoutNtFile, notes);
        CoreModules fromNtFile = CoreModules.of(core, CoreFile.open(core));
        assertThat(fromList.modules()).hasSameSizeAs(fromNtFile.modules());
        for (CoreModules.Entry m : fromNtFile.modules()) {
            CoreModules.Entry same = fromList.modules().stream().filter(e -> e.start() == m.start()).findFirst()
                    .orElseThrow(() -> new AssertionError("no module at 0x" + Long.toHexString(m.start()) + " (" + m.name() + ") in " + fromList));
            assertThat(same.name()).isEqualTo(m.name());
            assertThat(same.buildId()).isEqualTo(m.buildId()).isPresent();
            assertThat(same.end()).isGreaterThan(same.start());
        }
        // "./libfaultlib.so" in the list: a name, never a path (the current directory is not searched)
        CoreModules.Entry relative = fromList.named("libfaultlib.so").orElseThrow();
        assertThat(relative.path()).isEmpty();
        assertThat(fromNtFile.named("libfaultlib.so").orElseThrow().path()).contains(lib.toString());
    }

    @Test void theModulesAgreeWithEuUnstripReadingTheSameList() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-unstrip"), "needs eu-unstrip (elfutils)");
        Tools.Result r = Tools.reference("eu-unstrip", "-n", "--core=" + withoutNtFile);
        assertThat(r.exit()).as(r.stderr()).isZero();
        // START+SIZE BUILDID@ADDR FILE DEBUGFILE NAME
        Set<String> reference = new HashSet<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || f[1].startsWith("-")) continue;
            reference.add(Long.parseUnsignedLong(f[0].substring(2, f[0].indexOf('+')), 16) + " " + f[1].substring(0, f[1].indexOf('@')));
        }
        assertThat(reference).as(r.stdout()).hasSizeGreaterThanOrEqualTo(4);
        Set<String> ours = new HashSet<>();
        for (CoreModules.Entry e : CoreModules.of(withoutNtFile, CoreFile.open(withoutNtFile)).modules()) {
            ours.add(e.start() + " " + e.buildId().orElse("-"));
        }
        assertThat(ours).isEqualTo(reference);
    }

    @Test void aSessionOverTheCoreWithoutNtFileHasTheModulesAndTheLibrarysSymbols() throws Exception {
        try (CoreSession s = CoreSession.open(withoutNtFile, name -> List.of(java.util.Map.entry("beside the core",
                dir.resolve(Path.of(name).getFileName()))))) {
            List<ModuleReport> mods = s.modules();
            assertThat(mods).extracting(ModuleReport::name).contains("libfaultlib.so", "relativelib");
            ModuleReport faultlib = mods.stream().filter(m -> m.name().equals("libfaultlib.so")).findFirst().orElseThrow();
            assertThat(faultlib.mainFile()).contains(lib.toString());
        }
    }
}
