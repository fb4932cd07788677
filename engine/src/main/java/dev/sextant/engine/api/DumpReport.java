package dev.sextant.engine.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything read from a crash dump: the process, the fatal signal, threads (crashing thread
 * first), modules, one stack per thread, the problems met on the way and, for a core that
 * systemd-coredump stored, what it recorded beside it. Immutable.
 */
public record DumpReport(Path file, String format, ProcessInfo process, Optional<SignalInfo> signal,
                         List<ThreadInfo> threads, List<Module> modules, List<ThreadStack> stacks,
                         List<Diagnostic> diagnostics, Optional<CrashMetadata> metadata) {
    public DumpReport {
        threads = List.copyOf(threads);
        modules = List.copyOf(modules);
        stacks = List.copyOf(stacks);
        diagnostics = List.copyOf(diagnostics);
    }

    /** A report without systemd-coredump metadata (a core found elsewhere, a minidump, a live process). */
    public DumpReport(Path file, String format, ProcessInfo process, Optional<SignalInfo> signal, List<ThreadInfo> threads,
                      List<Module> modules, List<ThreadStack> stacks, List<Diagnostic> diagnostics) {
        this(file, format, process, signal, threads, modules, stacks, diagnostics, Optional.empty());
    }

    /** This report, read from {@code file} (the compressed core the user named), with what the system recorded beside it. */
    public DumpReport withOrigin(Path file, Optional<CrashMetadata> metadata) {
        return new DumpReport(file, format, process, signal, threads, modules, stacks, diagnostics, metadata);
    }

    public Optional<ThreadInfo> crashedThread() {
        return threads.stream().filter(ThreadInfo::crashed).findFirst();
    }

    /** The first stack of thread {@code tid}. */
    public Optional<ThreadStack> stackOf(Tid tid) {
        if (stacks.size() <= 16) return stacks.stream().filter(s -> s.tid().equals(tid)).findFirst();
        int at = StackIndex.position(stacks, tid);
        return at < 0 ? Optional.empty() : Optional.of(stacks.get(at));
    }
}
