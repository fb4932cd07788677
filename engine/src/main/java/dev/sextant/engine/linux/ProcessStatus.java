package dev.sextant.engine.linux;

import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.linux.jna.Ptrace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /proc} says about a process before and while Sextant traces it: its threads, its
 * tracer, and the words that explain a refused attach (ptrace_scope, CAP_SYS_PTRACE).
 */
final class ProcessStatus {
    private ProcessStatus() {}

    static List<Integer> tasks(int pid) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path p : ds) {
                try { out.add(Integer.parseInt(p.getFileName().toString())); } catch (NumberFormatException ignored) { /* not a tid */ }
            }
        } catch (IOException e) {
            throw new TargetException("process " + pid + " does not exist (no /proc/" + pid + "/task); check the pid with ps");
        }
        out.sort(null);
        if (out.remove((Integer) pid)) out.add(0, pid);   // the leader first
        return out;
    }

    static boolean alive(int pid, int tid) {
        Optional<String> stat = read(Path.of("/proc/" + pid + "/task/" + tid + "/stat"));
        if (stat.isEmpty()) return false;
        int close = stat.get().lastIndexOf(')');
        char state = close >= 0 && close + 2 < stat.get().length() ? stat.get().charAt(close + 2) : '?';
        return state != 'Z' && state != 'X';
    }

    /** One-letter state from /proc/PID/stat ('T' stopped, 't' traced, 'Z' zombie). */
    static char state(int pid) {
        Optional<String> stat = read(Path.of("/proc/" + pid + "/stat"));
        if (stat.isEmpty()) return '?';
        int close = stat.get().lastIndexOf(')');
        return close >= 0 && close + 2 < stat.get().length() ? stat.get().charAt(close + 2) : '?';
    }

    static long parent(int pid) {
        Optional<String> stat = read(Path.of("/proc/" + pid + "/stat"));
        if (stat.isEmpty()) return -1;
        int close = stat.get().lastIndexOf(')');
        String[] f = stat.get().substring(close + 2).split(" ");
        try { return Long.parseLong(f[1]); } catch (RuntimeException e) { return -1; }
    }

    static void checkAttachable(int pid) {
        if (pid <= 0) throw new TargetException("pid " + pid + " is not a process id; pass a positive pid (see ps)");
        if (pid == ProcessHandle.current().pid()) {
            throw new TargetException("process " + pid + " is Sextant itself; a process cannot trace itself");
        }
        Optional<String> status = read(Path.of("/proc/" + pid + "/status"));
        if (status.isEmpty()) throw new TargetException("process " + pid + " does not exist (no /proc/" + pid + "); check the pid with ps");
        int tracer = field(status.get(), "TracerPid:");
        if (tracer > 0) {
            throw new TargetException("process " + pid + " is already traced by " + describeTracer(tracer)
                    + "; a process can have one debugger: detach or quit that one first");
        }
        if (parent(pid) == ProcessHandle.current().pid()) {
            // The JVM's process reaper waits on its children, and the kernel would hand it the
            // ptrace stops meant for the engine thread (same thread group): launch it instead.
            throw new TargetException("process " + pid + " is a child of Sextant's own JVM; its stops would be lost to the"
                    + " JVM's process reaper: start it with Launch (or from a shell) instead");
        }
        if (state(pid) == 'Z') throw new TargetException("process " + pid + " is a zombie (it has exited); nothing to attach to");
    }

    /** Turns a refused PTRACE_SEIZE into a message that says why and what to do. */
    static TargetException explainAttachFailure(int pid, NativeCallException e) {
        String why = Ptrace.strerror(e.code());
        if (e.code() == Ptrace.ESRCH) return new TargetException("process " + pid + " exited before Sextant could attach", e);
        if (e.code() == Ptrace.EPERM) {
            Optional<String> status = read(Path.of("/proc/" + pid + "/status"));
            int tracer = status.map(s -> field(s, "TracerPid:")).orElse(0);
            if (tracer > 0) {
                return new TargetException("process " + pid + " is already traced by " + describeTracer(tracer)
                        + "; detach or quit that debugger first", e);
            }
            String scope = read(Path.of("/proc/sys/kernel/yama/ptrace_scope")).map(String::strip).orElse("absent");
            return new TargetException("attaching to process " + pid + " (" + command(pid) + ") was refused: " + why
                    + ". Linux lets a debugger trace only processes of its own user, and with Yama's kernel.yama.ptrace_scope"
                    + " (now " + scope + ") only its own children unless it is 0; run Sextant as that process's user with"
                    + " 'sudo sysctl kernel.yama.ptrace_scope=0', or as root / with CAP_SYS_PTRACE"
                    + " (setcap cap_sys_ptrace+ep on the java binary)", e);
        }
        return new TargetException("attaching to process " + pid + " failed: " + why, e);
    }

    /** TracerPid names the tracing thread: say which process it belongs to. */
    static String describeTracer(int tracerTid) {
        int tgid = read(Path.of("/proc/" + tracerTid + "/status")).map(s -> field(s, "Tgid:")).orElse(0);
        if (tgid <= 0 || tgid == tracerTid) return "process " + tracerTid + " (" + command(tracerTid) + ")";
        return "process " + tgid + " (" + command(tgid) + ", thread " + tracerTid + " " + command(tracerTid) + ")";
    }

    static String command(int pid) {
        return read(Path.of("/proc/" + pid + "/comm")).map(String::strip).orElse("unknown command");
    }

    private static int field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                try { return Integer.parseInt(line.substring(name.length()).strip()); } catch (NumberFormatException e) { return 0; }
            }
        }
        return 0;
    }

    private static Optional<String> read(Path p) {
        try {
            return Optional.of(Files.readString(p));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
