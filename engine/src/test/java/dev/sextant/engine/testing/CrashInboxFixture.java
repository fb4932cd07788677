package dev.sextant.engine.testing;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.dump.CoreOptions;
import dev.sextant.engine.dump.CoreReadListener;
import dev.sextant.engine.dump.ElfCoreReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A crash directory as systemd-coredump leaves one: six cores of {@code crashkinds.c} (three ways
 * to crash, two of each), compressed with the real {@code zstd}, {@code lz4} and {@code xz} (each
 * way with two of them), named {@code core.COMM.UID.BOOTID.PID.USEC.EXT} and, where the file
 * system keeps user attributes, carrying the {@code user.coredump.*} attributes set with {@code setfattr}.
 */
public final class CrashInboxFixture {
    private CrashInboxFixture() {}

    public static final String[] KINDS = {"segv", "abort", "fpe"};
    public static final String[] TOOLS = {"zstd", "lz4", "xz"};
    public static final String HOSTNAME = "buildhost-7";
    /** 2026-05-28T00:00:00Z in microseconds; crash i is recorded i minutes later. */
    public static final long BASE_USEC = 1_779_926_400_000_000L;

    /** One crash: how it crashed, its plain core, its compressed copy in the inbox and what was recorded. */
    public record Crash(String kind, String tool, Path plain, Path compressed, int pid, long usec, int signal) {}

    /** {@code xattrs}: whether the attributes could be set (else the metadata comes from the names alone). */
    public record Inbox(Path exe, Path directory, String bootId, int uid, boolean xattrs, List<Crash> crashes) {}

    private static String savedCache;

    /**
     * {@link #make} with the decompressed-core cache in {@code work/cache} (property {@code sextant.coreCache})
     * for the test class; {@link #restoreCache} puts back what was set before.
     */
    public static Inbox makeWithPrivateCache(Path work) throws IOException, InterruptedException {
        savedCache = System.getProperty("sextant.coreCache");
        System.setProperty("sextant.coreCache", Files.createDirectories(work.resolve("cache")).toString());
        return make(work);
    }

    public static void restoreCache() {
        if (savedCache == null) System.clearProperty("sextant.coreCache");
        else System.setProperty("sextant.coreCache", savedCache);
    }

    public static Inbox make(Path work) throws IOException, InterruptedException {
        for (String tool : TOOLS) Assumptions.assumeTrue(NativePrograms.Tools.onPath(tool), "no " + tool + " on PATH (package " + (tool.equals("xz") ? "xz-utils" : tool) + ")");
        Path exe = NativePrograms.compile("crashkinds", work);
        Path plainDir = Files.createDirectories(work.resolve("plain"));
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip().replace("-", "");
        int uid = (int) new com.sun.security.auth.module.UnixSystem().getUid();
        boolean xattrs = xattrsWork(inbox);
        List<Crash> crashes = new ArrayList<>();
        int i = 0;
        for (String kind : KINDS) {
            for (int copy = 1; copy <= 2; copy++, i++) {
                Path core = NativePrograms.coreOf(exe, work, kind);
                Path plain = Files.move(core, plainDir.resolve("core." + kind + "." + copy));
                int pid = ElfCoreReader.read(plain, CoreOptions.DEFAULT, CoreReadListener.NONE, new Cancellation()).process().pid().value();
                String tool = TOOLS[i % 3];
                long usec = BASE_USEC + i * 60_000_000L;
                String ext = Map.of("zstd", "zst", "lz4", "lz4", "xz", "xz").get(tool);
                Path out = inbox.resolve("core.crashkinds." + uid + "." + bootId + "." + pid + "." + usec + "." + ext);
                compress(tool, plain, out, work);
                int signal = Map.of("segv", 11, "abort", 6, "fpe", 8).get(kind);
                if (xattrs) {
                    setfattr(out, "pid", Integer.toString(pid), work);
                    setfattr(out, "uid", Integer.toString(uid), work);
                    setfattr(out, "gid", Integer.toString(uid), work);
                    setfattr(out, "signal", Integer.toString(signal), work);
                    setfattr(out, "timestamp", Long.toString(usec), work);
                    setfattr(out, "rlimit", "18446744073709551615", work);
                    setfattr(out, "hostname", HOSTNAME, work);
                    setfattr(out, "comm", "crashkinds", work);
                    setfattr(out, "exe", exe.toString(), work);
                    setfattr(out, "cmdline", exe + " " + kind, work);
                }
                crashes.add(new Crash(kind, tool, plain, out, pid, usec, signal));
            }
        }
        return new Inbox(exe, inbox, bootId, uid, xattrs, crashes);
    }

    /** Compresses {@code in} to {@code out} with the real tool, as systemd-coredump's library calls do. */
    public static void compress(String tool, Path in, Path out, Path work) throws IOException, InterruptedException {
        List<String> cmd = switch (tool) {
            case "zstd" -> List.of("zstd", "-q", "-f", "-o", out.toString(), in.toString());
            case "lz4" -> List.of("lz4", "-q", "-f", in.toString(), out.toString());
            default -> List.of("sh", "-c", "xz -c \"$0\" > \"$1\"", in.toString(), out.toString());
        };
        var r = NativePrograms.Tools.run(work, 120, cmd);
        if (r.exit() != 0) throw new IllegalStateException(tool + " failed: " + r.stderr());
    }

    private static void setfattr(Path file, String name, String value, Path work) throws IOException, InterruptedException {
        var r = NativePrograms.Tools.run(work, 30, List.of("setfattr", "-n", "user.coredump." + name, "-v", value, file.toString()));
        if (r.exit() != 0) throw new IllegalStateException("setfattr failed: " + r.stderr());
    }

    /** Whether this file system keeps user extended attributes (tmpfs before 6.6 and some overlays do not). */
    public static boolean xattrsWork(Path dir) throws IOException, InterruptedException {
        if (!NativePrograms.Tools.onPath("setfattr")) return false;
        Path probe = Files.createTempFile(dir, "xattr", ".probe");
        try {
            return NativePrograms.Tools.run(dir, 30, List.of("setfattr", "-n", "user.sextant.probe", "-v", "1", probe.toString())).exit() == 0;
        } finally {
            Files.delete(probe);
        }
    }
}
