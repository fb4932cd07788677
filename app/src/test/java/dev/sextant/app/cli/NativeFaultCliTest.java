package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's three native faults, each of which ended the JVM inside libdw or libelf (status 134, an
 * hs_err file, half an output): the command line runs in a child JVM, as a user runs it, on files
 * made here from a real crash, and must end with a status of its own and words.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NativeFaultCliTest {
    @TempDir static Path dir;
    static Path exe, lib, core;

    record Run(int exit, String out, String err, Path cwd) {}

    @BeforeAll static void crashInARelativelyNamedLibrary() throws Exception {
        exe = NativePrograms.compile("relativelib", dir);
        lib = library("faultlib", dir, "libfaultlib.so");
        core = NativePrograms.coreOf(exe, dir);
    }

    static Path library(String source, Path in, String name) throws Exception {
        Path src = NativePrograms.source(source, in);
        Path out = in.resolve(name);
        Tools.Result cc = Tools.run(in, 120, List.of("cc", "-g", "-O0", "-fno-omit-frame-pointer", "-shared", "-fPIC", "-o",
                out.toString(), src.toString()));
        assertThat(cc.exit()).as(cc.stderr()).isZero();
        return out;
    }

    /** A copy of {@code file} whose ELF header says ET_REL (its build-id still the one the core records). */
    static Path relocatable(Path file, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(to.toFile(), "rw")) {
            f.seek(16);
            f.write(new byte[] {1, 0});                 // e_type = ET_REL, little-endian
        }
        return to;
    }

    static Process start(Path cwd, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.sextant.app.Main"));
        cmd.addAll(List.of(args));
        Files.createDirectories(cwd);
        return new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(cwd.resolve("out.txt").toFile()).redirectError(cwd.resolve("err.txt").toFile()).start();
    }

    static Run finish(Process p, Path cwd) throws Exception {
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return new Run(p.exitValue(), Files.readString(cwd.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(cwd.resolve("err.txt"), StandardCharsets.UTF_8), cwd);
    }

    static Run run(Path cwd, String... args) throws Exception {
        return finish(start(cwd, args), cwd);
    }

    /** The JVM did not die: a status of Sextant's, no hs_err file, no half-written crash report. */
    static void survived(Run r) throws IOException {
        assertThat(r.exit()).as("exit status (134 is the JVM's abort)\n%s", r.err()).isIn(0, 1, 2, 3);
        try (Stream<Path> s = Files.list(r.cwd())) {
            assertThat(s.map(p -> p.getFileName().toString())).as("JVM error files").noneMatch(n -> n.startsWith("hs_err_pid"));
        }
        assertThat(r.err()).doesNotContain("A fatal error has been detected").doesNotContain("Assertion");
    }

    @Test void anExecutableWhoseHeaderSaysRelocatableIsRefusedWithAReason() throws Exception {
        Path hostile = relocatable(exe, dir.resolve("hostile/relativelib"));
        Run r = run(dir.resolve("run-exe"), "stack", "--core", core.toString(), "--exe", hostile.toString());
        survived(r);
        assertThat(r.exit()).as("the file the user gave is not used: an error").isEqualTo(1);
        assertThat(r.err().strip()).contains(hostile.toString()).contains("relocatable object (ET_REL)")
                .doesNotContain("build-id differs");
        // the library's frame is still read from the file the core names
        assertThat(r.out()).contains("fault_in_library");
    }

    interface BesideTheCore {
        void check(Path copy, Path hostile) throws Exception;
    }

    /**
     * Checks a copy of the core in {@code where}, beside it a relocatable libfaultlib.so with the
     * library's build-id, the real one moved away (the path in the core no longer holds it: "beside
     * the core" is the next place searched).
     */
    static void withARelocatableLibraryBesideTheCore(String where, BesideTheCore check) throws Exception {
        Path copy = dir.resolve(where + "/core");
        Files.createDirectories(copy.getParent());
        Files.copy(core, copy, StandardCopyOption.REPLACE_EXISTING);
        Path hostile = relocatable(lib, copy.resolveSibling("libfaultlib.so"));
        Path moved = dir.resolve(where + "-elsewhere/libfaultlib.so");
        Files.createDirectories(moved.getParent());
        Files.move(lib, moved);
        try {
            check.check(copy, hostile);
        } finally {
            Files.move(moved, lib);
        }
    }

    @Test void aRelocatableLibraryBesideTheCoreIsRefusedWithAReason() throws Exception {
        withARelocatableLibraryBesideTheCore("beside", (copy, hostile) -> {
            Run r = run(copy.getParent(), "stack", "--core", copy.toString(), "--exe", exe.toString(), "--json");
            survived(r);
            assertThat(r.exit()).as(r.err()).isZero();
            // a warning in the JSON's diagnostics: the library's frame has no symbols, and why
            assertThat(r.out()).contains(hostile + " (beside the core) not used: its ELF header says relocatable object (ET_REL)");
        });
    }

    @Test void theCurrentDirectoryIsNeverSearchedForARelativeLibraryName() throws Exception {
        Run clean = run(dir.resolve("clean"), "stack", "--core", core.toString(), "--exe", exe.toString());
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("fault_in_library").contains(lib.toString());
        // a relocatable copy (which aborted libdwfl) and a different library, each as ./libfaultlib.so in the current directory
        Path hostileCwd = dir.resolve("cwd-hostile");
        relocatable(lib, hostileCwd.resolve("libfaultlib.so"));
        Path otherCwd = Files.createDirectories(dir.resolve("cwd-other"));
        library("otherlib", otherCwd, "libfaultlib.so");
        for (Path cwd : List.of(hostileCwd, otherCwd)) {
            Run r = run(cwd, "stack", "--core", core.toString(), "--exe", exe.toString());
            survived(r);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).as("frames with %s in the current directory", cwd).isEqualTo(clean.out());
            assertThat(r.out()).doesNotContain("not_the_crash");
        }
    }

    // The symbols command (and the window's Symbols panel) read a core through the symbol handler's session.

    @Test void theSymbolHandlerNeverSearchesTheCurrentDirectoryEither() throws Exception {
        // a relocatable copy as ./libfaultlib.so in the current directory, where libdwfl's own link-map reading looked
        Path hostileCwd = dir.resolve("symbols-cwd-hostile");
        relocatable(lib, hostileCwd.resolve("libfaultlib.so"));
        Run r = run(hostileCwd, "symbols", "--core", core.toString(), "--exe", exe.toString(), "--no-debuginfod");
        survived(r);
        assertThat(r.exit()).as(r.err()).isZero();
        Run clean = run(dir.resolve("symbols-clean"), "symbols", "--core", core.toString(), "--exe", exe.toString(), "--no-debuginfod");
        assertThat(clean.exit()).as(clean.err()).isZero();
        // the library's file is the one the core records, named
        assertThat(clean.out()).containsPattern("libfaultlib\\.so loaded from own file " + java.util.regex.Pattern.quote(lib.toString()));
        assertThat(r.out()).isEqualTo(clean.out());
        assertThat(r.err()).doesNotContain(hostileCwd.toString());
    }

    @Test void theSymbolHandlerRefusesAndNamesARelocatableLibraryBesideTheCore() throws Exception {
        withARelocatableLibraryBesideTheCore("symbols-beside", (copy, hostile) -> {
            Run r = run(copy.getParent(), "symbols", "--core", copy.toString(), "--exe", exe.toString(), "--no-debuginfod");
            survived(r);
            assertThat(r.err()).contains("libfaultlib.so: " + hostile + " (beside the core) not used: its ELF header says relocatable object (ET_REL)");
            // the library is listed, without symbols: none were read from the refused file
            assertThat(r.out()).containsPattern("libfaultlib\\.so failed").doesNotContain("from own file " + hostile);
        });
    }

    @Test void aCoreThatShrinksWhileItIsReadEndsWithAnErrorNotASigbus() throws Exception {
        Path threadsDir = Files.createDirectories(dir.resolve("threads"));
        Path threads = NativePrograms.compile("abortthreads", threadsDir);
        Path big = NativePrograms.coreOf(threads, threadsDir, "200");
        long headers = firstLoadOffset(big);
        for (int round = 0; round < 3; round++) {
            Path cwd = dir.resolve("shrink-" + round);
            Path shrinking = Files.createDirectories(cwd).resolve("core");
            Files.copy(big, shrinking, StandardCopyOption.REPLACE_EXISTING);
            Process p = start(cwd, "stack", "--core", shrinking.toString());
            // cut the memory image off once the core is mapped (as libelf did) or held open by two readers
            Optional<Boolean> opened = Await.poll(Duration.ofSeconds(60), () -> !p.isAlive() || reading(p.pid(), shrinking)
                    ? Optional.of(true) : Optional.empty());
            assertThat(opened).as("the command opened the core").isPresent();
            try (RandomAccessFile f = new RandomAccessFile(shrinking.toFile(), "rw")) {
                f.setLength(headers);
            }
            Run r = finish(p, cwd);
            survived(r);
            if (r.exit() != 0) assertThat(r.err().strip()).as("one clear line").startsWith("sextant: ").doesNotContain("\n");
        }
    }

    /** Whether process {@code pid} maps {@code file} or has it open twice (the notes reader and the memory reader). */
    static boolean reading(long pid, Path file) {
        String target = file.toString();
        try {
            if (Files.readString(Path.of("/proc/" + pid + "/maps")).contains(target)) return true;
            int open = 0;
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        if (Files.readSymbolicLink(fd).toString().equals(target)) open++;
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            }
            return open >= 2;
        } catch (IOException e) {
            return true;            // the process is gone
        }
    }

    /** Where a core's memory image starts: everything before it (headers, notes) stays when it is cut. */
    static long firstLoadOffset(Path core) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(core.toFile(), "r")) {
            byte[] eh = new byte[64];
            f.readFully(eh);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(eh).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long phoff = b.getLong(32);
            int phentsize = b.getShort(54) & 0xffff, phnum = b.getShort(56) & 0xffff;
            long first = f.length();
            for (int i = 0; i < phnum; i++) {
                byte[] ph = new byte[phentsize];
                f.seek(phoff + (long) i * phentsize);
                f.readFully(ph);
                java.nio.ByteBuffer p = java.nio.ByteBuffer.wrap(ph).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                if (p.getInt(0) == 1 && p.getLong(32) > 0) first = Math.min(first, p.getLong(8));
            }
            return first;
        }
    }
}
