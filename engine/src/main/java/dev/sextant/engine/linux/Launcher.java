package dev.sextant.engine.linux;

import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.linux.jna.Ptrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Starts a program under the debugger without forking the JVM. A short-lived {@code sh} starts a
 * second {@code sh} in the background and exits at once, so the second is re-parented away from
 * the JVM (whose process reaper would otherwise consume the wait statuses the tracer needs). The
 * first prints the second's pid; the second stops itself with SIGSTOP; the tracer seizes it (with
 * PTRACE_O_EXITKILL), sends SIGCONT, and it {@code exec}s the program: the exec stop is where the
 * launched program is held, at its first instruction. The intermediate is started from a helper
 * thread, never the engine thread, so that its exit status stays the JVM's.
 */
public final class Launcher {
    private Launcher() {}

    // The first sh prints the second's pid ($!: sh forks it and it execs the second sh, so the same
    // process) before it exits. The second printed its own once, but the JVM drains a process's output
    // pipe and closes it when the process exits: a second sh that had not yet printed by then was read
    // as printing nothing (1 run in 30 of `run`, quiet, and more under load).
    private static final String SCRIPT = "out=$1; shift; sh -c 'kill -STOP $$; exec \"$@\" </dev/null >>\"$0\" 2>&1' \"$out\" \"$@\" & echo $!";

    public static Tracer launch(Path program, List<String> arguments, Optional<Path> workingDirectory,
                                Map<String, String> environment, Path output) {
        check(program, workingDirectory);
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sextant-launch", output.toString(), program.toString()));
        cmd.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        workingDirectory.ifPresent(d -> pb.directory(d.toFile()));
        pb.environment().putAll(environment);
        int pid;
        try {
            // The helper ending without printing was the second sh's pid lost to the JVM's drain of the
            // first's pipe (see SCRIPT); one more try is kept for a helper killed from outside.
            pid = CompletableFuture.supplyAsync(() -> {
                try {
                    return startIntermediate(pb);
                } catch (SilentHelper e) {
                    try {
                        return startIntermediate(pb);
                    } catch (SilentHelper again) {
                        throw new TargetException("the launch helper (sh) ended twice without starting the program; try again");
                    }
                }
            }).get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof TargetException t ? t : new TargetException(program + ": could not be started (" + c + ")", c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException(program + ": launch interrupted");
        }
        waitUntilStopped(pid, program);
        Tracer tracer;
        try {
            tracer = Tracer.adoptLaunched(pid);
        } catch (IOException e) {
            throw new TargetException(program + ": cannot open /proc/" + pid + "/mem (" + e.getMessage() + ")", e);
        }
        try {
            Ptrace.seize(pid, Ptrace.options(true));
            Ptrace.kill(pid, Ptrace.SIGCONT);
            untilExec(tracer, pid, program, output);
        } catch (NativeCallException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            throw ProcessStatus.explainAttachFailure(pid, e);
        } catch (RuntimeException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            throw e;
        }
        return tracer;
    }

    private static void check(Path program, Optional<Path> dir) {
        if (!Files.exists(program)) throw new TargetException(program + ": no such file; give the path of an executable program");
        if (Files.isDirectory(program)) throw new TargetException(program + ": is a directory, not a program");
        if (!Files.isExecutable(program)) {
            throw new TargetException(program + ": is not executable (no execute permission); run 'chmod +x " + program + "' if it is a program");
        }
        try {
            byte[] head = new byte[4];
            try (var in = Files.newInputStream(program)) {
                int n = in.read(head);
                boolean elf = n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
                boolean script = n >= 2 && head[0] == '#' && head[1] == '!';
                if (!elf && !script) throw new TargetException(program + ": is not an ELF program or a #! script, so it cannot be run");
            }
        } catch (IOException e) {
            throw new TargetException(program + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (dir.isPresent() && !Files.isDirectory(dir.get())) throw new TargetException(dir.get() + ": working directory does not exist");
    }

    /** The launch helper printed nothing at all. */
    private static final class SilentHelper extends RuntimeException {
        SilentHelper() { super(null, null, false, false); }
    }

    private static int startIntermediate(ProcessBuilder pb) {
        try {
            Process sh = pb.start();
            // One line: the held helper keeps the pipe open until its exec, so never read to the end.
            String text;
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(sh.getInputStream(), StandardCharsets.UTF_8))) {
                text = String.valueOf(in.readLine()).strip();
            }
            sh.waitFor();
            if (text.equals("null")) throw new SilentHelper();
            try {
                return Integer.parseInt(text.lines().findFirst().orElse(""));
            } catch (NumberFormatException e) {
                throw new TargetException("the launch helper (sh) did not start the program: " + text);
            }
        } catch (IOException e) {
            throw new TargetException("cannot run sh to launch the program (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("launch interrupted");
        }
    }

    private static void waitUntilStopped(int pid, Path program) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessStatus.state(pid) != 'T') {
            if (System.nanoTime() > deadline) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                throw new TargetException(program + ": the launch helper did not stop before exec (state " + ProcessStatus.state(pid) + ")");
            }
            try { Thread.sleep(1); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
        }
    }

    /** Lets the held helper run until its exec stop; SIGSTOP/SIGCONT and group-stops on the way are swallowed. */
    private static void untilExec(Tracer tracer, int pid, Path program, Path output) {
        while (true) {
            Ptrace.WaitStatus ws = Ptrace.waitFor(pid, true)
                    .orElseThrow(() -> new TargetException(program + ": the launched process vanished before exec"));
            if (ws.exited() || ws.signaled()) {
                String log = "";
                try { log = Files.readString(output).strip(); } catch (IOException ignored) { /* no output */ }
                throw new TargetException(program + ": could not be executed (" + (ws.exited() ? "exit status " + ws.exitCode()
                        : "killed by signal " + ws.termSignal()) + ")" + (log.isEmpty() ? "" : ": " + log));
            }
            if (ws.isExecEvent()) {
                tracer.execed();
                return;
            }
            Ptrace.cont(pid, 0);
        }
    }
}
