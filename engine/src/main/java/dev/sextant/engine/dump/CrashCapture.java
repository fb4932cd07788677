package dev.sextant.engine.dump;

import dev.sextant.engine.api.TargetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program until it crashes and collects its core: the kernel's own core when
 * {@code /proc/sys/kernel/core_pattern} names a plain file (with {@code ulimit -c unlimited}), or
 * gdb's {@code generate-core-file} at the fatal signal when cores are piped to a handler
 * (systemd-coredump, apport). Used by the demo and by tests; blocks the calling thread.
 */
public final class CrashCapture {
    private CrashCapture() {}

    public static Path capture(Path exe, List<String> args, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        String pattern = readPattern();
        if (!pattern.isEmpty() && !pattern.startsWith("|")) {
            Path core = kernelCore(exe, args, dir, pattern, timeoutSeconds);
            if (core != null) return core;
        }
        return gdbCore(exe, args, dir, timeoutSeconds);
    }

    private static String readPattern() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static Path kernelCore(Path exe, List<String> args, Path dir, String pattern, int timeout)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -c unlimited && exec \"$0\" \"$@\"", exe.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long pid = p.pid();
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new TargetException(exe + ": did not crash within " + timeout + " s");
        }
        boolean usesPid = "1".equals(readSysctl("core_uses_pid"));
        String comm = exe.getFileName().toString();
        if (comm.length() > 15) comm = comm.substring(0, 15);
        String name = expand(pattern, pid, comm);
        if (usesPid && !pattern.contains("%p")) name = name + "." + pid;
        Path core = name.startsWith("/") ? Path.of(name) : dir.resolve(name);
        return Files.isRegularFile(core) && Files.size(core) > 0 ? core : null;
    }

    private static String expand(String pattern, long pid, String comm) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 >= pattern.length()) { sb.append(c); continue; }
            char k = pattern.charAt(++i);
            switch (k) {
                case '%' -> sb.append('%');
                case 'p', 'P', 'i', 'I' -> sb.append(pid);
                case 'e' -> sb.append(comm);
                case 'u' -> sb.append(new com.sun.security.auth.module.UnixSystem().getUid());
                case 'g' -> sb.append(new com.sun.security.auth.module.UnixSystem().getGid());
                case 'h' -> sb.append(hostname());
                default -> { return "\0unsupported"; }     // %t, %s: not predictable; fall back to gdb
            }
        }
        return sb.toString();
    }

    private static String hostname() {
        try { return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(); } catch (IOException e) { return ""; }
    }

    private static String readSysctl(String name) {
        try { return Files.readString(Path.of("/proc/sys/kernel", name)).strip(); } catch (IOException e) { return ""; }
    }

    private static Path gdbCore(Path exe, List<String> args, Path dir, int timeout) throws IOException, InterruptedException {
        Path core = dir.resolve("core.gdb");
        List<String> cmd = new ArrayList<>(List.of("gdb", "-batch", "-nx", "-ex", "run", "-ex",
                "generate-core-file " + core, "--args", exe.toString()));
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new TargetException("cores are piped to a handler here and gdb is not installed to write one "
                    + "(install it with: sudo apt-get install gdb)");
        }
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new TargetException(exe + ": gdb did not finish within " + timeout + " s");
        }
        if (!Files.isRegularFile(core)) throw new TargetException(exe + ": gdb wrote no core (is ptrace permitted here?)");
        return core;
    }
}
