import dev.sextant.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * bench/hostile-sweep.sh's driver: runs Sextant's command line (Main.run, as the launcher does) on
 * many hostile inputs in one JVM. Each job line is: id, kind, original file, operations, command
 * ({} the hostile file). The hostile file is the original cut and patched as the operations say,
 * written under WORK just before its run and deleted after. One result line per job:
 * {@code id status ms kind command | first stderr line}; status is the exit status, or X for an
 * exception that escaped, T when stderr holds a Java stack trace. A job that outlives the timeout is
 * written as HANG and the JVM halts with 124; a native fault ends the JVM and the script records it.
 * Usage: java -cp … HostileSweep JOBS RESULTS WORK FIRST_ID TIMEOUT_S [EXE CORE]
 */
public class HostileSweep {
    private static final Map<String, byte[]> ORIGINALS = new HashMap<>();

    public static void main(String[] a) throws Exception {
        List<String> jobs = Files.readAllLines(Path.of(a[0]));
        Path results = Path.of(a[1]), work = Path.of(a[2]);
        int first = Integer.parseInt(a[3]);
        long timeoutMs = Long.parseLong(a[4]) * 1000;
        String exe = a.length > 5 ? a[5] : "", core = a.length > 6 ? a[6] : "";
        PrintStream realOut = System.out, realErr = System.err;
        try (Writer w = Files.newBufferedWriter(results, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line : jobs) {
                String[] f = line.split("\t");
                int id = Integer.parseInt(f[0]);
                if (id < first) continue;
                Path dir = Files.createDirectories(work.resolve("job-" + id));
                Path input = f[1].equals("core") && f[4].contains("{dir}") ? dir.resolve("core") : dir.resolve("input." + f[1]);
                Files.write(input, mutant(f[2], f[3]));
                String[] args = Arrays.stream(f[4].split(" "))
                        .map(s -> s.replace("{}", input.toString()).replace("{dir}", dir.toString()).replace("{exe}", exe)
                                .replace("{core}", core).replace("{out}", dir.resolve("out").toString()))
                        .toArray(String[]::new);
                Bounded out = new Bounded(), err = new Bounded();
                Thread watchdog = watchdog(w, id, f[1], f[4], timeoutMs);
                long t0 = System.nanoTime();
                String status;
                try {
                    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                    int s = Main.run(args);
                    String e = err.text();
                    status = e.contains("\tat ") && e.contains("Exception") ? "T" + s : Integer.toString(s);
                } catch (Throwable t) {
                    err.write((t + "\n").getBytes(StandardCharsets.UTF_8));
                    status = "X";
                } finally {
                    System.setOut(realOut);
                    System.setErr(realErr);
                }
                watchdog.interrupt();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String firstErr = err.text().lines().findFirst().orElse("").replace('\t', ' ');
                synchronized (w) {
                    w.write(id + "\t" + status + "\t" + ms + "\t" + f[1] + "\t" + f[4] + "\t" + firstErr + "\n");
                    w.flush();
                }
                deleteTree(dir);
            }
        }
        System.exit(0);
    }

    private static Thread watchdog(Writer w, int id, String kind, String cmd, long timeoutMs) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(timeoutMs);
            } catch (InterruptedException e) {
                return;
            }
            try {
                synchronized (w) {
                    w.write(id + "\tHANG\t" + timeoutMs + "\t" + kind + "\t" + cmd + "\t\n");
                    w.flush();
                }
            } catch (IOException e) {
                // the line is lost; the script sees the halt
            }
            Runtime.getRuntime().halt(124);
        }, "sweep-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The original cut and patched: cut:OFFSET, byte:OFFSET:VALUE, word:OFFSET:VALUE (32-bit little-endian). */
    static byte[] mutant(String original, String ops) throws IOException {
        byte[] b = ORIGINALS.computeIfAbsent(original, p -> {
            try { return Files.readAllBytes(Path.of(p)); } catch (IOException e) { throw new java.io.UncheckedIOException(e); }
        }).clone();
        int len = b.length;
        if (!ops.equals("-")) {
            for (String op : ops.split(",")) {
                String[] p = op.split(":");
                int at = Integer.parseInt(p[1]);
                switch (p[0]) {
                    case "cut" -> len = Math.min(len, at);
                    case "byte" -> { if (at < len) b[at] = (byte) Integer.parseInt(p[2]); }
                    case "word" -> { if (at + 4 <= len) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) Long.parseLong(p[2])); }
                    default -> throw new IllegalArgumentException(op);
                }
            }
        }
        return len == b.length ? b : Arrays.copyOf(b, len);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    /** Output kept up to 64 KiB (a hostile file can make a long listing); the rest is counted, not kept. */
    static final class Bounded extends OutputStream {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();
        @Override public void write(int x) { if (b.size() < 65536) b.write(x); }
        @Override public void write(byte[] x, int off, int n) { b.write(x, off, Math.max(0, Math.min(n, 65536 - b.size()))); }
        String text() { return b.toString(StandardCharsets.UTF_8); }
    }
}
