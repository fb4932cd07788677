package dev.sextant.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Compiles the C programs in {@code src/test/resources/native} with the machine's {@code cc}, at test time. */
public final class NativePrograms {
    private NativePrograms() {}

    /** Copies {@code name}.c out of the test resources into {@code dir} and compiles it with {@code cc -g}. */
    public static Path compile(String name, Path dir, String... extraFlags) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler (cc) on PATH");
        Path src = source(name, dir);
        Path exe = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("cc", "-g", "-O0", "-fno-omit-frame-pointer", "-o", exe.toString(), src.toString()));
        cmd.addAll(List.of(extraFlags));
        cmd.add("-pthread");
        Tools.Result r = Tools.run(dir, 120, cmd);
        if (r.exit() != 0) throw new IllegalStateException("cc failed for " + name + ": " + r.stderr());
        return exe;
    }

    public static Path source(String name, Path dir) throws IOException {
        Path src = dir.resolve(name + ".c");
        try (InputStream in = NativePrograms.class.getResourceAsStream("/native/" + name + ".c")) {
            if (in == null) throw new IllegalArgumentException("no test program native/" + name + ".c");
            Files.copy(in, src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return src;
    }

    /** The 1-based line of the {@code MARK:tag} comment in a test program's source. */
    public static int line(String name, String tag) throws IOException {
        try (InputStream in = NativePrograms.class.getResourceAsStream("/native/" + name + ".c")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) if (lines[i].contains("MARK:" + tag + " ")) return i + 1;
        }
        throw new IllegalArgumentException("no MARK:" + tag + " in " + name + ".c");
    }

    /** Runs a crashing program and returns its core, skipping the test when this machine cannot make one. */
    public static Path coreOf(Path exe, Path dir, String... args) throws IOException, InterruptedException {
        Path core;
        try {
            core = dev.sextant.engine.dump.CrashCapture.capture(exe, List.of(args), dir, 120);
        } catch (dev.sextant.engine.api.TargetException e) {
            Assumptions.abort("cannot produce a core on this machine: " + e.getMessage());
            throw e;
        }
        return core;
    }

    /** Small process runner for reference tools. */
    public static final class Tools {
        private Tools() {}

        public record Result(int exit, String stdout, String stderr) {}

        public static boolean onPath(String tool) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (Files.isExecutable(Path.of(d, tool))) return true;
            }
            return false;
        }

        public static Result run(Path dir, int timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        }
    }
}
