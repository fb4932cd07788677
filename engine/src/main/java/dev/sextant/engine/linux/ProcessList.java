package dev.sextant.engine.linux;

import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of this machine for the process picker, read from /proc (pure Java, no ptrace):
 * pid, owner, command line, and why one cannot be attached to. Any thread; a process that exits
 * while being read is left out.
 */
public final class ProcessList {
    private ProcessList() {}

    public static List<ProcessEntry> list() {
        Path proc = Path.of("/proc");
        Map<Integer, String> users = users();
        Ids self = ids(read(proc.resolve("self/status")).orElse("")).orElse(new Ids(-1, -1, -1, 0));
        boolean privileged = self.real() == 0 || self.effective() == 0;
        long me = ProcessHandle.current().pid();
        List<ProcessEntry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc)) {
            for (Path p : ds) {
                int pid;
                try { pid = Integer.parseInt(p.getFileName().toString()); } catch (NumberFormatException e) { continue; }
                entry(p, pid, users, self, privileged, me).ifPresent(out::add);
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort((a, b) -> Integer.compare(a.pid().value(), b.pid().value()));
        return out;
    }

    private record Ids(int real, int effective, int saved, int tracer) {}

    private static Optional<ProcessEntry> entry(Path dir, int pid, Map<Integer, String> users, Ids self, boolean privileged, long me) {
        Optional<String> status = read(dir.resolve("status"));
        Optional<Ids> ids = status.flatMap(ProcessList::ids);
        if (ids.isEmpty()) return Optional.empty();                  // gone meanwhile
        String comm = field(status.get(), "Name:").orElse("?");
        List<String> args = arguments(dir.resolve("cmdline"));
        char state = field(status.get(), "State:").map(s -> s.isEmpty() ? '?' : s.charAt(0)).orElse('?');
        boolean kernelThread = args.isEmpty() && (pid == 2 || field(status.get(), "PPid:").orElse("").equals("2"));
        Ids id = ids.get();
        Optional<String> why;
        if (pid == me) why = Optional.of("this is Sextant itself");
        else if (kernelThread) why = Optional.of("a kernel thread: it has no user space to debug");
        else if (state == 'Z') why = Optional.of("a zombie: it has exited");
        else if (id.tracer() > 0) why = Optional.of("already traced by " + ProcessStatus.describeTracer(id.tracer()) + ": detach that debugger first");
        else if (!privileged && (id.real() != self.real() || id.effective() != self.real() || id.saved() != self.real())) {
            why = Optional.of("another user's (" + users.getOrDefault(id.real(), Integer.toString(id.real()))
                    + "): run Sextant as that user, or as root / with CAP_SYS_PTRACE");
        } else {
            why = Optional.empty();
        }
        return Optional.of(new ProcessEntry(new Pid(pid), id.real(), users.getOrDefault(id.real(), Integer.toString(id.real())),
                comm, args, why));
    }

    /** {@code /proc/PID/cmdline}: NUL-separated arguments (empty for kernel threads and zombies). */
    private static List<String> arguments(Path cmdline) {
        byte[] b;
        try {
            b = Files.readAllBytes(cmdline);
        } catch (IOException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == 0) {
                if (i > start || i < b.length) out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private static Optional<Ids> ids(String status) {
        Optional<String> uid = field(status, "Uid:");
        if (uid.isEmpty()) return Optional.empty();
        String[] u = uid.get().split("\\s+");
        try {
            int tracer = field(status, "TracerPid:").map(Integer::parseInt).orElse(0);
            return Optional.of(new Ids(Integer.parseInt(u[0]), Integer.parseInt(u[1]), Integer.parseInt(u[2]), tracer));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) return Optional.of(line.substring(name.length()).strip());
        }
        return Optional.empty();
    }

    /** uid → name from /etc/passwd; numbers stand in for names it does not have. */
    private static Map<Integer, String> users() {
        Map<Integer, String> out = new HashMap<>();
        for (String line : read(Path.of("/etc/passwd")).orElse("").split("\n")) {
            String[] f = line.split(":");
            if (f.length < 3) continue;
            try { out.putIfAbsent(Integer.parseInt(f[2]), f[0]); } catch (NumberFormatException ignored) { /* a malformed line */ }
        }
        return out;
    }

    private static Optional<String> read(Path p) {
        try {
            return Optional.of(Files.readString(p));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
