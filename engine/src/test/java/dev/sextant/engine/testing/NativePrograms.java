package dev.sextant.engine.testing;

import dev.sextant.engine.linux.ProcMaps;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * The test programs: C sources in {@code engine/src/test/native} (on the test class path as
 * {@code /native/NAME.c}, in the engine's test jar for the app's tests), compiled with the machine's
 * {@code cc} at test time; started re-parented and watched through their output; and their cores.
 */
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

    /** As {@link #compile}, for a test that traces the program: skipped first when this process may not ptrace. */
    public static Path compileForTracing(String name, Path dir, String... extraFlags) throws IOException, InterruptedException {
        assumePtracePermitted();
        return compile(name, dir, extraFlags);
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

    /** A test program and a core of it. */
    public record Crashed(Path exe, Path core) {}

    /** {@code name}.c compiled into {@code dir} ({@link #compile}) and run with {@code args} to its crash ({@link #coreOf}). */
    public static Crashed crashed(String name, Path dir, String... args) throws IOException, InterruptedException {
        Path exe = compile(name, dir);
        return new Crashed(exe, coreOf(exe, dir, args));
    }

    /**
     * A started test program, past its "ready PID" line; its later output lines are readable. It
     * is started through {@code sh -c '"$@" &'} so that it is not a child of this JVM: the JVM's
     * process reaper would otherwise consume the ptrace stops meant for the tracer (the kernel
     * reports a traced child's stops to any wait of the tracer's thread group). Its output goes
     * to a file: the JVM closes a child's pipe when the child (the sh) exits.
     */
    public record Running(int pid, LineFile out) implements AutoCloseable {
        public String line() throws Exception { return out.next(); }
        public boolean alive() { return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); }
        /** Kills the program and waits (up to 5 s) until it is gone or a zombie. */
        @Override public void close() {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            try {
                Await.poll(Duration.ofSeconds(5), () -> Files.exists(Path.of("/proc/" + pid + "/stat")) && !zombie()
                        ? Optional.empty() : Optional.of(true));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // gone or not: nothing more to do
            }
        }
        private boolean zombie() {
            try { return Files.readString(Path.of("/proc/" + pid + "/stat")).contains(") Z"); } catch (IOException e) { return true; }
        }
    }

    /** Reads a growing text file line by line, waiting (up to 30 s) for the next line. */
    public static final class LineFile {
        private final Path file;
        private long offset;
        public LineFile(Path file) { this.file = file; }
        /** The next line, or null when none comes within 30 s. */
        public String next() throws Exception {
            return Await.poll(Duration.ofSeconds(30), () -> {
                byte[] all = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
                for (int i = (int) offset; i < all.length; i++) {
                    if (all[i] == '\n') {
                        String line = new String(all, (int) offset, i - (int) offset, StandardCharsets.UTF_8);
                        offset = i + 1;
                        return Optional.of(line);
                    }
                }
                return Optional.<String>empty();
            }).orElse(null);
        }
    }

    private static final AtomicInteger SERIAL = new AtomicInteger();

    /** Starts {@code exe} re-parented, its output in a file beside it, and waits for its "ready PID" line. */
    public static Running start(Path exe, String... args) throws Exception {
        Path out = exe.resolveSibling(exe.getFileName() + "-" + SERIAL.incrementAndGet() + ".out");
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "out=$1; shift; \"$@\" </dev/null >\"$out\" 2>&1 &", "sh",
                out.toString(), exe.toString()));
        cmd.addAll(Arrays.asList(args));
        Process sh = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        sh.getInputStream().readAllBytes();
        sh.waitFor(10, TimeUnit.SECONDS);
        LineFile lines = new LineFile(out);
        String first = lines.next();
        if (first == null || !first.startsWith("ready ")) throw new IOException("program did not start: " + first);
        return new Running(Integer.parseInt(first.substring(6).strip()), lines);
    }

    /** {@code name}.c compiled ({@link #compileForTracing}) and started with {@code args} ({@link #start}), to be traced. */
    public static Running startForTracing(String name, Path dir, String... args) throws Exception {
        return start(compileForTracing(name, dir), args);
    }

    /** Skips when this process may not ptrace (Yama scope 3, or no permission). */
    public static void assumePtracePermitted() throws IOException {
        Path scope = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        if (Files.exists(scope)) {
            String s = Files.readString(scope).strip();
            Assumptions.assumeTrue(!s.equals("3"), "kernel.yama.ptrace_scope is 3: ptrace is disabled");
            Assumptions.assumeTrue(s.equals("0") || isRoot(), "kernel.yama.ptrace_scope is " + s + " and not root: cannot attach to a non-child");
        }
    }

    public static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The executable's text (the r-xp mapping of the main program) as /proc/PID/mem shows it now. */
    public static byte[] text(int pid, Path exe) throws IOException {
        for (ProcMaps.Mapping m : ProcMaps.read(pid)) {
            if (m.executable() && m.path().isPresent() && Path.of(m.path().get()).equals(exe.toRealPath())) {
                try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ)) {
                    ByteBuffer b = ByteBuffer.allocate((int) (m.end() - m.start()));
                    while (b.hasRemaining() && ch.read(b, m.start() + b.position()) > 0) { /* fill */ }
                    return b.array();
                }
            }
        }
        throw new IOException("no text mapping of " + exe + " in /proc/" + pid + "/maps");
    }

    /** A field of /proc/PID/status ("State:", "TracerPid:"), its value stripped. */
    public static String status(int pid, String field) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/status")).lines().filter(l -> l.startsWith(field))
                .map(l -> l.substring(field.length()).strip()).findFirst().orElse("");
    }

    /**
     * The one runner of reference tools and compilers in the tests: a command in a directory, with a
     * timeout, its output captured through files (never a pipe the tool could fill).
     */
    public static final class Tools {
        private Tools() {}

        public record Result(int exit, String stdout, String stderr) {
            /** Both streams, standard output first. */
            public String all() { return stdout + stderr; }
        }

        public static boolean onPath(String tool) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (Files.isExecutable(Path.of(d, tool))) return true;
            }
            return false;
        }

        /**
         * Runs a reference tool ({@code readelf}, {@code objdump}, {@code ldconfig}) in the working
         * directory, skipping the test when it is not installed; output read in {@code charset}.
         */
        public static Result reference(Charset charset, String... cmd) throws IOException, InterruptedException {
            Assumptions.assumeTrue(cmd[0].contains("/") ? Files.isExecutable(Path.of(cmd[0])) : onPath(cmd[0]), cmd[0] + " is not installed");
            return run(Path.of("").toAbsolutePath(), 120, Map.of(), charset, List.of(cmd));
        }

        /** As {@link #reference(Charset, String...)}, output read as UTF-8. */
        public static Result reference(String... cmd) throws IOException, InterruptedException {
            return reference(StandardCharsets.UTF_8, cmd);
        }

        /** Runs {@code cmd} in {@code dir} (60 s at most) and fails the test, with the error output, when it does not exit 0. */
        public static Result succeed(Path dir, String... cmd) throws IOException, InterruptedException {
            Result r = run(dir, 60, List.of(cmd));
            if (r.exit() != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.stderr());
            return r;
        }

        /** Runs {@code cmd} in {@code dir}; output read as UTF-8. */
        public static Result run(Path dir, int timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
            return run(dir, timeoutSeconds, Map.of(), StandardCharsets.UTF_8, cmd);
        }

        /**
         * Runs {@code cmd} in {@code dir} with {@code env} added to this process's environment (a
         * variable mapped to "" is removed), its output read in {@code charset}.
         */
        public static Result run(Path dir, int timeoutSeconds, Map<String, String> env, Charset charset, List<String> cmd)
                throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            env.forEach((k, v) -> { if (v.isEmpty()) pb.environment().remove(k); else pb.environment().put(k, v); });
            Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
            try {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + cmd);
                }
                return new Result(p.exitValue(), new String(Files.readAllBytes(out), charset), new String(Files.readAllBytes(err), charset));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }
}
