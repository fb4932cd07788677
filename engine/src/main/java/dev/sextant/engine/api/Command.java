package dev.sextant.engine.api;

/** Something the engine is asked to do, answered with a result of type {@code R}. Imperative names. */
public sealed interface Command<R> permits Command.OpenCore, Command.CloseTarget,
        Command.StackProcess {

    /** Open an ELF core file; replaces the current target. */
    record OpenCore(java.nio.file.Path core, java.util.Optional<java.nio.file.Path> executable,
                    java.util.Optional<java.nio.file.Path> sysroot, Cancellation cancellation) implements Command<DumpReport> {}

    /** Close the current target, if any. */
    record CloseTarget() implements Command<Boolean> {}

    /** Attach to a live process, read every thread's symbolized stack, detach: the process runs on unchanged. */
    record StackProcess(Pid pid, Cancellation cancellation) implements Command<DumpReport> {}
}
