package dev.sextant.engine.testing;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real crash core of {@code dupmain} (two shared libraries) whose executable is shipped stripped,
 * its DWARF split off into a build-id directory ({@code ROOT/.build-id/xx/yyyy.debug}) as
 * distributions ship it, and a copy of that debug file padded to a few megabytes for a throttled
 * server ({@link #serveSlowly}), so that a download is in flight long enough to be watched and
 * cancelled. For the engine's and the GUI's symbol tests.
 */
public record SplitDebugProgram(Path dir, Path core, Path exe, Path buildIdRoot, Path debugFile, Path paddedDebugFile,
                                String buildId) {

    /** Skips (through the caller's assumption) when cc, objcopy or strip is missing: check {@link #toolsMissing()} first. */
    public static String toolsMissing() {
        for (String t : List.of("cc", "objcopy", "strip", "python3")) if (!Tools.onPath(t)) return "needs " + t;
        return "";
    }

    public static SplitDebugProgram build(Path dir) throws IOException, InterruptedException {
        Path dup = NativePrograms.source("dup", dir);
        Path main = NativePrograms.source("dupmain", dir);
        run(dir, "cc", "-g", "-shared", "-fPIC", "-DDUP_DELTA=1", "-o", "libdupa.so", dup.toString());
        run(dir, "cc", "-g", "-shared", "-fPIC", "-DDUP_DELTA=2", "-o", "libdupb.so", dup.toString());
        run(dir, "cc", "-g", "-O0", "-o", "dupmain", main.toString(), "-L.", "-Wl,--no-as-needed", "-ldupa", "-ldupb", "-Wl,-rpath,$ORIGIN");
        Path full = dir.resolve("dupmain");
        Path core = NativePrograms.coreOf(full, dir);
        Path shipped = Files.createDirectories(dir.resolve("shipped"));
        Path exe = shipped.resolve("dupmain");
        run(dir, "strip", "--strip-all", "-o", exe.toString(), full.toString());
        for (String lib : List.of("libdupa.so", "libdupb.so")) Files.copy(dir.resolve(lib), shipped.resolve(lib));
        String id = dev.sextant.engine.format.elf.BuildId.ofFile(exe).orElseThrow();
        Path root = dir.resolve("debug-root");
        Path debug = Files.createDirectories(root.resolve(".build-id").resolve(id.substring(0, 2))).resolve(id.substring(2) + ".debug");
        run(dir, "objcopy", "--only-keep-debug", full.toString(), debug.toString());
        // 2 MiB of padding in a section nobody reads: at the throttle's 400 KB/s, about five seconds on the wire.
        Path padded = padded(debug, 2 << 20, dir.resolve("padded.debug"));
        return new SplitDebugProgram(dir, core, exe, root, debug, padded, id);
    }

    /** A copy of {@code debug} with {@code bytes} of padding in a section nobody reads: a longer transfer. */
    public static Path padded(Path debug, int bytes, Path out) throws IOException, InterruptedException {
        Path pad = out.resolveSibling(out.getFileName() + ".pad");
        Files.write(pad, new byte[bytes]);
        run(out.getParent(), "objcopy", "--add-section", ".sextant_pad=" + pad, "--set-section-flags", ".sextant_pad=noload,readonly",
                debug.toString(), out.toString());
        return out;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Tools.Result r = Tools.run(dir, 120, List.of(cmd));
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + r.stderr());
    }

    /** A running throttle.py serving {@code file} for every build-id on 127.0.0.1; close to stop it. */
    public record SlowServer(Process process, String url) implements AutoCloseable {
        @Override public void close() {
            process.destroy();
        }
    }

    /** Starts the throttled debuginfod look-alike (loopback only) and waits until it accepts connections. */
    public static SlowServer serveSlowly(Path dir, Path file) throws IOException, InterruptedException {
        return serveSlowly(dir, file, Optional.empty());
    }

    /** As {@link #serveSlowly(Path, Path)}, appending each request's path to {@code log} when given. */
    public static SlowServer serveSlowly(Path dir, Path file, Optional<Path> log) throws IOException, InterruptedException {
        return serve(dir, file, log, Optional.empty());
    }

    /**
     * As {@link #serveSlowly(Path, Path)}, each transfer slowed to 130 KB/s after {@code heldAfter} bytes
     * until the file {@code gate} exists: a download stays in flight, however slow the machine.
     */
    public static SlowServer serveHeld(Path dir, Path file, long heldAfter, Path gate) throws IOException, InterruptedException {
        return serve(dir, file, Optional.empty(), Optional.of(Map.entry(heldAfter, gate)));
    }

    private static SlowServer serve(Path dir, Path file, Optional<Path> log, Optional<Map.Entry<Long, Path>> hold)
            throws IOException, InterruptedException {
        Path script = dir.resolve("throttle.py");
        if (!Files.exists(script)) {
            try (var in = SplitDebugProgram.class.getResourceAsStream("/debuginfod/throttle.py")) {
                Files.copy(in, script);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), Integer.toString(port), file.toString()));
        log.ifPresent(l -> cmd.addAll(List.of("--log", l.toString())));
        hold.ifPresent(h -> cmd.addAll(List.of("--hold", Long.toString(h.getKey()), h.getValue().toString())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Optional<SlowServer> up = awaitPort(p, port);
        if (up.isPresent()) return up.get();
        p.destroyForcibly();
        throw new IllegalStateException("throttle.py did not start on port " + port);
    }

    private static Optional<SlowServer> awaitPort(Process p, int port) throws IOException, InterruptedException {
        try {
            return Await.poll(Duration.ofSeconds(20), () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return Optional.of(new SlowServer(p, "http://127.0.0.1:" + port));
                } catch (IOException notYet) {
                    if (!p.isAlive()) throw new IllegalStateException("throttle.py exited before it listened on port " + port);
                    return Optional.empty();
                }
            });
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
