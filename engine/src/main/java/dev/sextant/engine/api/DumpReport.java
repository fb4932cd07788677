package dev.sextant.engine.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything read from a crash dump: the process, the fatal signal, threads (crashing thread
 * first), modules, one stack per thread, and the problems met on the way. Immutable.
 */
public record DumpReport(Path file, String format, ProcessInfo process, Optional<SignalInfo> signal,
                         List<ThreadInfo> threads, List<Module> modules, List<ThreadStack> stacks,
                         List<Diagnostic> diagnostics) {
    public DumpReport {
        threads = List.copyOf(threads);
        modules = List.copyOf(modules);
        stacks = List.copyOf(stacks);
        diagnostics = List.copyOf(diagnostics);
    }

    public Optional<ThreadInfo> crashedThread() {
        return threads.stream().filter(ThreadInfo::crashed).findFirst();
    }

    public Optional<ThreadStack> stackOf(Tid tid) {
        return stacks.stream().filter(s -> s.tid().equals(tid)).findFirst();
    }
}
