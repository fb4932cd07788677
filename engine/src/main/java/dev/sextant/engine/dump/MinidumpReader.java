package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CrashReason;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.RegisterSet;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SignalInfo;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.elfutils.ModuleReport;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.minidump.ExceptionRecord;
import dev.sextant.engine.format.minidump.MemoryRegions;
import dev.sextant.engine.format.minidump.Minidump;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.format.minidump.StreamType;
import dev.sextant.engine.format.minidump.SystemInfo;
import dev.sextant.engine.format.minidump.ThreadContext;
import dev.sextant.engine.format.minidump.ThreadRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a minidump (Windows, Breakpad, Crashpad) into a {@link DumpOverview}: crash summary, threads
 * with registers and stacks (frame pointers and stack scan over the dump's memory), modules and the
 * secondary data list. Pure Java, any thread. A bad header or directory fails with a
 * {@link TargetException}; a broken stream becomes a diagnostic and leaves the rest readable.
 */
public final class MinidumpReader {
    private MinidumpReader() {}

    /** True if the file starts with the minidump signature. */
    public static boolean isMinidump(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 'M' && m[1] == 'D' && m[2] == 'M' && m[3] == 'P';
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads a minidump file of any size (beyond 2 GiB, memory is mapped in windows as it is read). */
    public static DumpOverview read(Path file) { return read(file, CoreOptions.DEFAULT); }

    /**
     * As {@link #read(Path)}; the module files of a Linux minidump (for CFI unwinding and symbols)
     * are also looked for under {@code options.sysroot()}.
     */
    public static DumpOverview read(Path file, CoreOptions options) { return read(file, options, ""); }

    /**
     * As {@link #read(Path, CoreOptions)}, with Breakpad symbol stores ({@code ;}-separated directories
     * and URLs, see {@link SymbolStores}): when given, stacks are walked and symbolized from their
     * {@code .sym} files as {@code minidump_stackwalk} does.
     */
    public static DumpOverview read(Path file, CoreOptions options, String symbolStores) {
        return read(file, options, symbolStores, Opened.NONE, BreakpadLoads.NONE);
    }

    /**
     * What a read tells as it goes (the reading thread): the target before its stacks are walked, and
     * its modules once their list is final (before the walk when symbol stores walk it), so that the
     * symbol loads of the walk are shown against them.
     */
    public interface Opened {
        void opened(String format, ProcessInfo process, Optional<SignalInfo> signal, List<ThreadInfo> threads);

        default void modules(List<Module> modules) {}

        /** The read is over: its stacks, kept for symbol loads after the open (Load, Retry). */
        default void walkable(BreakpadWalk walk) {}

        Opened NONE = (format, process, signal, threads) -> { };
    }

    /**
     * As {@link #read(Path, CoreOptions, String)}, telling {@code opened} the target once its threads are
     * known and {@code loads} each module's symbol load from the stores (its progress, its end; a
     * cancelled load leaves that module's frames unnamed and the read goes on).
     */
    public static DumpOverview read(Path file, CoreOptions options, String symbolStores, Opened opened, BreakpadLoads loads) {
        Minidump dump;
        try {
            if (Files.isDirectory(file)) throw new TargetException(file + ": is a directory, not a minidump");
            dump = Minidump.open(file);
        } catch (NoSuchFileException e) {
            throw new TargetException(file + ": no such file", e);
        } catch (FormatException e) {
            throw new TargetException(file + ": " + e.messageWithOffset(), e);
        } catch (IOException e) {
            throw new TargetException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        Optional<SymbolStores> stores = symbolStores.isBlank() ? Optional.empty() : Optional.of(SymbolStores.parse(symbolStores, Optional.empty()));
        return read(file, dump, options, stores, symbolStores, opened, loads);
    }

    /** Reads a minidump held in {@code bytes}; {@code file} only names it in messages. */
    public static DumpOverview read(Path file, ByteReader bytes) {
        Minidump dump;
        try {
            dump = Minidump.read(bytes);
        } catch (FormatException e) {
            throw new TargetException(file + ": " + e.messageWithOffset(), e);
        }
        return read(file, dump, CoreOptions.DEFAULT, Optional.empty(), "", Opened.NONE, BreakpadLoads.NONE);
    }

    private static DumpOverview read(Path file, Minidump dump, CoreOptions options, Optional<SymbolStores> stores, String storesText,
            Opened opened, BreakpadLoads loads) {
        Optional<SystemInfo> sys = dump.systemInfo();
        Optional<ExceptionRecord> exc = dump.exception();
        List<ModuleRecord> moduleRecords = dump.modules();
        List<ThreadRecord> threadRecords = dump.threads();
        Map<Integer, String> names = dump.threadNames();
        MemoryRegions memory = dump.memory();

        String cpu = sys.map(s -> s.cpuName() + s.cpuDescription().map(d -> " (" + d + ", " + s.processorCount() + " CPUs)")
                .orElse(" (" + s.processorCount() + " CPUs)")).orElse("unknown CPU");
        String os = sys.map(SystemInfo::osDescription).orElse("unknown OS");
        boolean linux = sys.map(SystemInfo::isLinuxLike).orElse(false);
        Optional<CrashReason> crash = exc.map(e -> ExceptionNames.decode(e, sys));
        Optional<SignalInfo> signal = Optional.empty();
        if (linux && exc.isPresent()) {
            signal = LinuxSignalCode.of(exc.get(), processIds(dump, threadRecords), dump.linuxText(StreamType.LINUX_MAPS).orElse(""));
            if (exc.get().flags() == 0 && signal.isPresent() && signal.get().code() != 0) {
                String said = signal.get().describe();
                crash = crash.map(c -> new CrashReason(c.code(), c.name(), c.address(), c.tid(), said));
            }
        }

        List<Module> modules = new ArrayList<>(moduleRecords.size());
        for (ModuleRecord m : moduleRecords) {
            modules.add(new Module(m.name(), Address.of(m.base()), m.size(), Optional.of(m.debugId()), Optional.empty(), Optional.empty()));
        }

        MemoryStackWalker walker = new MemoryStackWalker(memory, moduleRecords);
        boolean x64 = sys.map(s -> s.processorArchitecture() == SystemInfo.ARCH_AMD64).orElse(false);
        Optional<PeStackWalker> pe = !linux && x64 ? PeStackWalker.open(memory, moduleRecords, file, options, walker) : Optional.empty();
        Optional<ThreadContext> excContext = dump.exceptionContext();
        List<ThreadInfo> threads = new ArrayList<>(threadRecords.size());
        List<ThreadStack> stacks = new ArrayList<>(threadRecords.size());
        Map<Integer, ThreadContext> contexts = new java.util.LinkedHashMap<>();
        for (ThreadRecord t : threadRecords) {
            boolean crashed = exc.isPresent() && exc.get().threadId() == t.threadId();
            Optional<ThreadContext> ctx = crashed && excContext.isPresent() ? excContext : t.context();
            Tid tid = new Tid(t.threadId());
            RegisterSet regs = new RegisterSet(ctx.map(ThreadContext::arch).orElse(sys.map(SystemInfo::cpuName).orElse("unknown")),
                    ctx.map(ThreadContext::registers).orElse(List.of()));
            ThreadInfo info = new ThreadInfo(tid, Optional.ofNullable(names.get(t.threadId())), crashed,
                    crashed && linux ? (int) exc.get().code() : 0, regs);
            if (crashed) threads.add(0, info); else threads.add(info);
            ctx.ifPresent(c -> contexts.putIfAbsent(t.threadId(), c));
            // With symbol stores the Breakpad walk below gives every stack that has registers.
            ThreadStack st = ctx.isPresent() && stores.isPresent() ? new ThreadStack(tid, List.of(), Optional.empty())
                    : ctx.map(c -> pe.isPresent() && c.arch().equals("amd64") ? pe.get().walk(tid, c) : walker.walk(tid, c))
                    .orElse(new ThreadStack(tid, List.of(), Optional.of("no registers: " + t.contextProblem().orElse("no context"))));
            if (crashed) stacks.add(0, st); else stacks.add(st);
        }
        ProcessInfo process = processInfo(dump, moduleRecords, sys);
        String format = "minidump (" + sys.map(SystemInfo::cpuName).orElse("unknown CPU") + ")";
        opened.opened(format, process, signal, threads);

        List<ThreadStack> unwalked = List.copyOf(stacks);
        Optional<BreakpadStackWalker> breakpad = Optional.empty();
        if (stores.isPresent()) {
            opened.modules(List.copyOf(modules));
            BreakpadStackWalker bp = new BreakpadStackWalker(memory, moduleRecords, stores.get(), loads);
            breakpad = Optional.of(bp);
            stacks.replaceAll(st -> contexts.containsKey(st.tid().value()) ? bp.walk(st.tid(), contexts.get(st.tid().value())) : st);
        } else if (linux) {
            try (MinidumpUnwinder cfi = MinidumpUnwinder.open(file, moduleRecords, contexts, memory, options).orElse(null)) {
                if (cfi != null) {
                    cfi.walkAll();
                    stacks.replaceAll(st -> moduleOffsets(cfi.stack(st.tid(), st), walker));
                    Map<Long, ModuleReport> found = cfi.modules();
                    modules.replaceAll(m -> {
                        var r = found.get(m.base().value());
                        return r == null ? m : new Module(m.path(), m.base(), m.size(), m.buildId(), r.mainFile(), r.debugFile());
                    });
                }
            }
        }

        if (stores.isEmpty()) opened.modules(List.copyOf(modules));
        List<Diagnostic> diagnostics = new ArrayList<>();
        // what the file lacks or could not give is an error (exit status 1 for stack and dump alike); a missing module list is not:
        // the stacks are still there, unnamed
        if (dump.entry(StreamType.THREAD_LIST).isEmpty()) diagnostics.add(new Diagnostic(Severity.ERROR, file + ": no thread list stream"));
        if (dump.entry(StreamType.MODULE_LIST).isEmpty()) diagnostics.add(new Diagnostic(Severity.WARNING, file + ": no module list stream"));
        List<SecondaryData> secondary = SecondaryDataIndex.ofMinidump(dump);
        for (String p : dump.problems()) diagnostics.add(new Diagnostic(Severity.ERROR, file + ": " + p));
        stores.ifPresent(st -> st.problems().forEach(p -> diagnostics.add(new Diagnostic(Severity.WARNING, "symbol store: " + p))));
        DumpReport report = new DumpReport(file, format, process, signal, threads, modules, stacks, diagnostics);
        opened.walkable(new BreakpadWalk(memory, moduleRecords, contexts, unwalked, breakpad, storesText, stores));
        return new DumpOverview(report, os, cpu, crash, secondary);
    }

    /**
     * A frame without a function is told as module + offset: libdwfl gives no offset for a module whose
     * file is not on this machine, so it is taken from the dump's module list.
     */
    private static ThreadStack moduleOffsets(ThreadStack stack, MemoryStackWalker walker) {
        List<StackFrame> frames = new ArrayList<>(stack.frames().size());
        for (StackFrame f : stack.frames()) {
            Optional<ModuleRecord> m = f.function().isEmpty() ? walker.moduleAt(f.pc().value()) : Optional.empty();
            frames.add(m.isEmpty() ? f : new StackFrame(f.index(), f.pc(), f.module().or(() -> Optional.of(m.get().shortName())),
                    f.function(), f.pc().value() - m.get().base(), f.file(), f.line(), f.inline(), f.source()));
        }
        return new ThreadStack(stack.tid(), frames, stack.stopReason());
    }

    private static ProcessInfo processInfo(Minidump dump, List<ModuleRecord> modules, Optional<SystemInfo> sys) {
        long pid = dump.miscInfo().flatMap(m -> m.processId().isPresent() ? Optional.of(m.processId().getAsLong()) : Optional.empty())
                .orElse(0L);
        Optional<Pid> parent = Optional.empty();
        String commandLine = "";
        if (dump.entry(StreamType.LINUX_PROC_STATUS).isPresent()) {
            String status = dump.linuxText(StreamType.LINUX_PROC_STATUS).orElse("");
            for (String line : status.split("\n")) {
                if (line.startsWith("Pid:") && pid == 0) pid = parseLong(line.substring(4));
                if (line.startsWith("PPid:")) {
                    long pp = parseLong(line.substring(5));
                    if (pp > 0) parent = Optional.of(new Pid((int) pp));
                }
            }
        }
        if (dump.entry(StreamType.LINUX_CMD_LINE).isPresent()) {
            commandLine = dump.linuxText(StreamType.LINUX_CMD_LINE).orElse("").replaceAll("\0+$", "").replace('\0', ' ');
        }
        Optional<String> exe = modules.isEmpty() ? Optional.empty() : Optional.of(modules.get(0).name());
        String command = modules.isEmpty() ? "" : modules.get(0).shortName();
        return new ProcessInfo(new Pid((int) pid), parent, command, commandLine, exe, sys.map(SystemInfo::cpuName).orElse("unknown"));
    }

    /** The process's pid and its threads' ids: a signal whose address holds one of them was sent, not a fault. */
    private static Set<Long> processIds(Minidump dump, List<ThreadRecord> threads) {
        Set<Long> ids = new HashSet<>();
        threads.forEach(t -> ids.add(t.threadId() & 0xffffffffL));
        dump.miscInfo().ifPresent(m -> m.processId().ifPresent(ids::add));
        for (String line : dump.linuxText(StreamType.LINUX_PROC_STATUS).orElse("").split("\n")) {
            if (line.startsWith("Pid:") || line.startsWith("Tgid:")) ids.add(parseLong(line.substring(line.indexOf(':') + 1)));
        }
        return ids;
    }

    private static long parseLong(String s) {
        try { return Long.parseLong(s.strip()); } catch (NumberFormatException e) { return 0; }
    }
}
