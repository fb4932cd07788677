package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./sextant} launcher when the command line's JVM dies of a native fault: status 3 and
 * one line naming the JVM's report, which is under {@code ~/.cache/sextant} and not in the current
 * directory; nothing of the crash on stdout. The fault is real: JNA's native stub is replaced by a
 * library that reads address 0 when it is loaded, so the JVM faults where libdw would.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NativeFaultLauncherTest {
    @TempDir static Path dir;
    static Path tree;
    static Path faulty;

    @BeforeAll static void launcherTree() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler");
        Path script = repositoryFile("sextant");
        // The real launcher, beside a "built" tree: a jar and the class path this test runs with.
        tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("app/target"));
        Files.copy(script, tree.resolve("sextant"));
        tree.resolve("sextant").toFile().setExecutable(true);
        try (OutputStream o = Files.newOutputStream(tree.resolve("app/target/sextant-app.jar"))) {
            new JarOutputStream(o, new Manifest()).close();
        }
        Files.writeString(tree.resolve("app/target/classpath.txt"), System.getProperty("java.class.path") + "\n");
        // libjnidispatch.so whose constructor reads address 0
        faulty = dir.resolve("faulty");
        Files.createDirectories(faulty);
        Path c = faulty.resolve("fault.c");
        Files.writeString(c, "__attribute__((constructor)) static void fault(void) { volatile int *p = 0; (void) *p; }\n");
        Tools.succeed(faulty, "cc", "-shared", "-fPIC", "-O0", "-o", "libjnidispatch.so", c.toString());
    }

    private static Path repositoryFile(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(name)) && Files.isDirectory(p.resolve("engine"))) return p.resolve(name);
        }
        throw new AssertionError("no " + name + " above " + Path.of("").toAbsolutePath());
    }

    /** Runs the launcher with stdout a pipe (as under a shell pipeline or a caller's capture) and stderr a file. */
    private Tools.Result sextant(Path cwd, Path home, String javaOpts, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = Stream.concat(Stream.of(tree.resolve("sextant").toString()), Stream.of(args)).toList();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().put("SEXTANT_JAVA", java);
        pb.environment().put("SEXTANT_JAVA_OPTS", javaOpts);
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        pb.redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Tools.Result(p.exitValue(), out, Files.readString(err));
    }

    @Test void aNativeFaultExitsThreeWithOneLineAndTheReportInTheCache() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path core = Files.writeString(cwd.resolve("core"), "not a core, but the fault comes first");
        Tools.Result r = sextant(cwd, home, "-Djna.boot.library.path=" + faulty + " -Djna.nounpack=true",
                "stack", "--core", core.toString());
        assertThat(r.exit()).as("stderr: %s", r.stderr()).isEqualTo(3);
        assertThat(r.stdout()).as("nothing of the crash on stdout").isEmpty();
        String last = r.stderr().strip().lines().reduce((a, b) -> b).orElse("");
        assertThat(last).startsWith("sextant: internal error: a native library crashed the stack command (SIG")
                .contains(home.resolve(".cache/sextant").toString());
        String report = last.replaceAll(".*the JVM's report is (\\S+\\.log).*", "$1");
        assertThat(Path.of(report)).exists().startsWith(home.resolve(".cache/sextant"));
        assertThat(Files.readString(Path.of(report))).contains("SIGSEGV").contains("libjnidispatch.so");
        try (Stream<Path> left = Files.list(cwd)) {
            assertThat(left).as("nothing left in the current directory").containsExactly(core);
        }
    }

    @Test void otherStatusesPassThrough() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("cwd2"));
        Path home = Files.createDirectories(dir.resolve("home2"));
        Path notCore = Files.writeString(cwd.resolve("core"), "not a core");
        Tools.Result bad = sextant(cwd, home, "-Dsextant.unused=1", "stack", "--core", notCore.toString());
        // the command's own status, as Main.run answers in this JVM, passes through the launcher untouched
        int own = dev.sextant.app.Main.run("stack", "--core", notCore.toString());
        assertThat(own).isBetween(1, 2);
        assertThat(bad.exit()).as("stderr: %s", bad.stderr()).isEqualTo(own);
        assertThat(bad.stderr()).doesNotContain("internal error").contains("too short for an ELF header");
        Tools.Result usage = sextant(cwd, home, "-Dsextant.unused=1", "stack", "--no-such-option");
        assertThat(usage.exit()).isEqualTo(2);
        Tools.Result help = sextant(cwd, home, "-Dsextant.unused=1", "stack", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("--core");
    }
}
