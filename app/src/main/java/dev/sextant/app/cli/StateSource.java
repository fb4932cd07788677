package dev.sextant.app.cli;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.session.EngineThread;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The target of {@code stack}, {@code locals} and {@code eval}: a core (opened) or a live process (attached and
 * held stopped until {@link #release}, then detached: it runs on; {@code stack} reads a process its own way).
 * Talks to the engine only through commands.
 */
final class StateSource {
    static final class Target {
        @Option(names = "--core", required = true, paramLabel = "FILE", description = "ELF core file")
        Path core;

        @Option(names = "--pid", required = true, paramLabel = "PID",
                description = "running process: attach, stop, read, detach (it runs on)")
        Integer pid;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--exe", paramLabel = "FILE", description = "the executable that produced the core")
    Path exe;

    @Option(names = "--sysroot", paramLabel = "DIR", description = "look for the core's files under DIR")
    Path sysroot;

    /** Whether exactly one of --core and --pid was given (for arguments {@link PlainArgs} bound). */
    boolean plain() {
        return target != null && (target.core == null) != (target.pid == null);
    }

    /** Opens the core or attaches; answers every thread's stack. */
    DumpReport open(EngineThread engine) throws ExecutionException, InterruptedException {
        if (target.pid != null) {
            engine.submit(new Command.Attach(new Pid(target.pid))).get();
            return engine.submit(new Command.ReadStacks(new Cancellation())).get();
        }
        return engine.submit(openCore()).get();
    }

    /** The command that opens the core named by {@code --core}, {@code --exe} and {@code --sysroot}. */
    Command.OpenCore openCore() {
        return new Command.OpenCore(target.core, Optional.ofNullable(exe), Optional.ofNullable(sysroot), new Cancellation());
    }

    /** Detaches from a live process (it runs on); nothing for a core. */
    void release(EngineThread engine) {
        if (target.pid == null) return;
        try {
            engine.submit(new Command.Detach()).get();
        } catch (ExecutionException e) {
            // the engine closes the target with the session anyway; the detach error is not the user's answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
