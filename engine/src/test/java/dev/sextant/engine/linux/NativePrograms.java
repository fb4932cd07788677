package dev.sextant.engine.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Test programs from {@code src/test/native}, compiled with {@code cc -g} at test time, and helpers to watch them. */
final class NativePrograms {
    private NativePrograms() {}

    static Path source(String name) {
        Path p = Path.of("src/test/native", name).toAbsolutePath();
        Assumptions.assumeTrue(Files.isRegularFile(p), "test program " + p + " is missing");
        return p;
    }

    static Path compile(Path dir, String name, String... flags) throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("cc"), "no C compiler (cc) on PATH");
        Path out = dir.resolve(name.replace(".c", ""));
        List<String> cmd = new ArrayList<>(List.of("cc", "-g", "-O0", "-pthread", "-o", out.toString(), source(name).toString()));
        cmd.addAll(Arrays.asList(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("cc failed: " + log);
        return out;
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    /**
     * A started test program, past its "ready PID" line; its later output lines are readable. It
     * is started through {@code sh -c '"$@" &'} so that it is not a child of this JVM: the JVM's
     * process reaper would otherwise consume the ptrace stops meant for the tracer (the kernel
     * reports a traced child's stops to any wait of the tracer's thread group). Its output goes
     * to a file: the JVM closes a child's pipe when the child (the sh) exits.
     */
    record Running(int pid, LineFile out) implements AutoCloseable {
        String line() throws IOException { return out.next(); }
        boolean alive() { return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); }
        @Override public void close() {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            for (int i = 0; i < 500 && Files.exists(Path.of("/proc/" + pid + "/stat")) && !zombie(); i++) {
                try { Thread.sleep(10); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
            }
        }
        private boolean zombie() {
            try { return Files.readString(Path.of("/proc/" + pid + "/stat")).contains(") Z"); } catch (IOException e) { return true; }
        }
    }

    /** Reads a growing text file line by line, waiting (up to 30 s) for the next line. */
    static final class LineFile {
        private final Path file;
        private long offset;
        LineFile(Path file) { this.file = file; }
        String next() throws IOException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                byte[] all = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
                for (int i = (int) offset; i < all.length; i++) {
                    if (all[i] == '\n') {
                        String line = new String(all, (int) offset, i - (int) offset, StandardCharsets.UTF_8);
                        offset = i + 1;
                        return line;
                    }
                }
                if (System.nanoTime() > deadline) return null;
                try { Thread.sleep(5); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return null; }
            }
        }
    }

    private static int serial;

    static Running start(Path exe, String... args) throws IOException, InterruptedException {
        Path out = exe.resolveSibling(exe.getFileName() + "-" + (++serial) + ".out");
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

    /** Skips when this process may not ptrace (Yama scope 3, or no permission). */
    static void assumePtracePermitted() throws IOException {
        Path scope = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        if (Files.exists(scope)) {
            String s = Files.readString(scope).strip();
            Assumptions.assumeTrue(!s.equals("3"), "kernel.yama.ptrace_scope is 3: ptrace is disabled");
            Assumptions.assumeTrue(s.equals("0") || isRoot(), "kernel.yama.ptrace_scope is " + s + " and not root: cannot attach to a non-child");
        }
    }

    static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The executable's text (the r-xp mapping of the main program) as /proc/PID/mem shows it now. */
    static byte[] text(int pid, Path exe) throws IOException {
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

    static String status(int pid, String field) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/status")).lines().filter(l -> l.startsWith(field))
                .map(l -> l.substring(field.length()).strip()).findFirst().orElse("");
    }
}
