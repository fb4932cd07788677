package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.CrashMetadata;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.DumpData;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.DynamicTable;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.SignalInfo;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.UnwoundRegisters;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.code.Disassembler;
import dev.sextant.engine.code.FileCode;
import dev.sextant.engine.api.SseRegisters;
import dev.sextant.engine.dump.BreakpadWalk;
import dev.sextant.engine.dump.CoreCache;
import dev.sextant.engine.dump.CoreDumpSource;
import dev.sextant.engine.dump.DumpSource;
import dev.sextant.engine.dump.CoreMemoryImage;
import dev.sextant.engine.dump.CoreOptions;
import dev.sextant.engine.dump.CoreReadListener;
import dev.sextant.engine.dump.CrashMetadataReader;
import dev.sextant.engine.dump.DumpOverview;
import dev.sextant.engine.dump.ElfCoreReader;
import dev.sextant.engine.dump.MinidumpReader;
import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.elfutils.CoreSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine's open crash dump, on the engine thread: reading it (events as it goes: the target, its
 * modules, stacks, crash summary and tagged data) and the memory the views read from it.
 */
final class CoreTarget {
    /** What the engine gives the open dump. */
    interface Host {
        long nextStopId();
        void emit(DebugEvent event);
        /** Whether anyone listens to events (the command line does not: nothing is decoded for it). */
        boolean watched();
        SymbolHost symbols();
        /** Runs {@code work} on the engine thread, after what is queued there (from other threads). */
        void later(Runnable work);
    }

    private final Host host;
    private CoreMemory memory;
    /** The open dump (none while a live target or nothing is open): whether a minidump, and its threads' architecture. */
    private Optional<DumpKind> dump = Optional.empty();
    /** The thread and frame the user selected in the open dump (a live target keeps its own). */
    private Command.SetScope scope = new Command.SetScope(new Tid(0), 0);

    private record DumpKind(boolean minidump, String arch) {}
    /** The Breakpad stores of the symbol path (directories and http(s) URLs), for minidumps; empty: none. */
    private String breakpadStores = "";
    /** The Breakpad symbol loads of the minidump being opened (engine thread), for cancels from other threads; null: none. */
    private volatile BreakpadSymbolLoads breakpadLoads;
    /** The open minidump's symbol loads after its open (Load, Retry); null while no minidump is open. */
    private volatile MinidumpSymbols minidumpSymbols;
    private CoreState state;        // an ELF core's variables and scope

    CoreTarget(Host host) {
        this.host = host;
    }

    /**
     * What the Memory view reads when a core, not a live process, is the target. The memory image is
     * opened on the first read: the command line opens cores too and never reads them this way.
     */
    private static final class CoreMemory {
        final Path path;
        final Optional<ThreadInfo> thread;
        CoreMemoryImage image;

        CoreMemory(Path path, Optional<ThreadInfo> thread) {
            this.path = path;
            this.thread = thread;
        }

        CoreMemoryImage image() {
            if (image == null) image = CoreMemoryImage.open(path);
            return image;
        }
    }

    private CoreMemory requireCore() {
        if (memory == null) throw new TargetException("no memory to read: open an ELF core or attach to a process first");
        return memory;
    }

    MemoryBlock read(Command.ReadMemory r) {
        return requireCore().image().read(r.start().value(), r.length());
    }

    Address evaluate(Command.EvaluateAddress e) {
        CoreMemory c = requireCore();
        return Address.of(AddressExpression.evaluate(e.expression(), name -> c.thread
                .flatMap(t -> t.registers().find(name)).map(reg -> OptionalLong.of(reg.value())).orElse(OptionalLong.empty())));
    }

    /**
     * Code of the open ELF core at an address ({@code pc}, {@code 0x...}, a register name), in the
     * core's own architecture: read from the file of the module mapped there (cores rarely store
     * code), at the core's addresses.
     */
    private Disassembly disassembleFromFiles(Command.Disassemble d, Disassembler disassembler) {
        if (memory == null) throw new TargetException("nothing to disassemble: give a file, open an ELF core or attach to a process");
        long start = evaluate(new Command.EvaluateAddress(d.range().start())).value();
        int count = d.range().count().orElse(CodeRange.DEFAULT_COUNT);
        Module m = modules.stream().filter(x -> x.contains(Address.of(start))).findFirst()
                .orElseThrow(() -> new TargetException(Address.of(start) + " lies in no module of the core: no code to disassemble there"));
        if (m.file().isEmpty()) {
            throw new TargetException(Address.of(start) + " lies in " + m.shortName() + ", whose file was not found: give its directory (sysroot) to read its code");
        }
        return FileCode.disassembleLoaded(Path.of(m.file().get()), m.base().value(), start, count, disassembler);
    }

    private List<Module> modules = List.of();

    private CoreState requireState() {
        if (state == null) throw new TargetException("no program state: open an ELF core or attach to a process first");
        return state;
    }

    List<Variable> readVariables(Command.ReadVariables r) { return requireState().read(r); }

    Variable evaluate(Command.Evaluate e) { return requireState().evaluate(e); }

    /** Code from the core's memory (the modules' files where the core has none), named by the core's libdwfl session. */
    Disassembly disassemble(Command.Disassemble d, Disassembler disassembler) {
        if (requireDump().minidump()) {
            throw new TargetException("a minidump's code is not disassembled here (it holds stacks, not code): disassemble the module's file with 'sextant disasm FILE --at ADDR'");
        }
        CoreMemory c = requireCore();
        if (state == null || !x86_64(requireDump().arch())) return disassembleFromFiles(d, disassembler);   // other architectures: from the files
        return requireState().disassemble(d.range(), disassembler, name -> c.thread
                .flatMap(t -> t.registers().find(name)).map(reg -> OptionalLong.of(reg.value())).orElse(OptionalLong.empty()));
    }

    private static boolean x86_64(String arch) {
        try {
            FrameRegisterRows.requireX86_64(arch);
            return true;
        } catch (TargetException e) {
            return false;
        }
    }

    /** A dump is a record of the past: nothing in it is changed. */
    Variable setVariable(Command.SetVariable s) {
        if (dump.isEmpty()) throw new TargetException("no target: start or attach to a process to change its variables");
        throw new TargetException("cannot set " + s.variable() + ": a core file is read-only; variables can be changed in a"
                + " running process (start the program or attach to it, and stop it where " + s.variable() + " is in scope)");
    }

    /** Takes the Breakpad stores of a new symbol path (its other entries are the symbol handler's). */
    void setSymbolPath(String path) {
        breakpadStores = SymbolStores.breakpadEntries(path);
        if (minidumpSymbols != null) minidumpSymbols.setStores(breakpadStores);
    }

    /** Whether the open target is a minidump: its symbols are Breakpad's, loaded here rather than by the symbol handler. */
    boolean minidumpOpen() {
        return minidumpSymbols != null;
    }

    /** The Modules view's Load for the open minidump: the module at {@code module}, or every deferred one. Answers how many were queued. */
    int loadSymbols(Optional<Address> module) {
        return requireMinidump().load(module);
    }

    /** The Modules view's Retry for the open minidump. Answers whether the module was not queued yet. */
    boolean retrySymbols(Address module) {
        return requireMinidump().retry(module);
    }

    private MinidumpSymbols requireMinidump() {
        MinidumpSymbols m = minidumpSymbols;
        if (m == null) throw new TargetException("no minidump open: its symbols are loaded by the symbol handler");
        return m;
    }

    void close() {
        if (minidumpSymbols != null) minidumpSymbols.close();
        minidumpSymbols = null;
        if (memory != null && memory.image != null) memory.image.close();
        memory = null;
        modules = List.of();
        dump = Optional.empty();
        if (state != null) state.close();
        state = null;
    }

    private DumpKind requireDump() {
        return dump.orElseThrow(() -> new TargetException("no target: open a dump or start a process first"));
    }

    /** The registers of one frame of a core's thread, unwound by the symbol handler's session (on the symbol thread). */
    CompletableFuture<UnwoundRegisters> frameRegisters(Command.ReadFrameRegisters f) {
        DumpKind d = requireDump();
        FrameRegisterRows.requireX86_64(d.arch());
        if (d.minidump()) {
            throw new TargetException("a minidump's caller frames are not unwound with their registers yet: frame 0's are in the thread's registers");
        }
        return host.symbols().frameRegisters(f.thread().value(), f.frame())
                .thenApply(r -> FrameRegisterRows.of(f.thread(), f.frame(), r));
    }

    /** xmm0–xmm15 and mxcsr of an ELF core thread's frame 0, from its {@code NT_FPREGSET}; callers' are not saved. */
    SseRegisters sseRegisters(Command.ReadSseRegisters r) {
        DumpKind d = requireDump();
        FrameRegisterRows.requireX86_64(d.arch());
        if (d.minidump()) throw new TargetException("a minidump's SSE registers are not read yet: open the ELF core for them");
        if (r.frame() > 0) return new SseRegisters(r.thread(), r.frame(), Optional.empty());
        try (CoreDumpSource src = CoreDumpSource.open(requireCore().path)) {
            DumpSource.ThreadState t = src.threads().stream().filter(x -> x.tid() == r.thread().value()).findFirst()
                    .orElseThrow(() -> new TargetException("the core has no thread " + r.thread()));
            byte[] fp = t.fpregs().orElseThrow(() -> new TargetException("the core stores no floating point state (NT_FPREGSET) for thread " + r.thread()));
            return new SseRegisters(r.thread(), 0, Optional.of(SseRegisters.fxsave(fp)));
        } catch (java.io.IOException e) {
            throw new TargetException("the core cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the scope changed; an unknown thread or frame is refused. An ELF core's scope is its
     * program state's; a minidump's (no variables read) is only remembered.
     */
    boolean setScope(Command.SetScope s) {
        if (state != null) return state.setScope(s);
        requireDump();
        if (s.equals(scope)) return false;
        scope = s;
        return true;
    }

    DumpReport open(Command.OpenCore open) {
        close();
        // The last target's symbol handler goes first: none of its loads runs on, or reports into, this dump.
        host.symbols().closeTarget();
        long id = host.nextStopId();
        // A compressed core (systemd-coredump's) is decompressed into the core cache first, with progress.
        Path plain = CoreCache.standard().plain(open.core(),
                (done, total) -> host.emit(new DebugEvent.ProgressReported(id, "Decompressing core", done, total)), open.cancellation());
        CoreSession[] kept = {null};    // the read's libdwfl session, which the program state reads variables through
        DumpReport report;
        try {
            report = readCore(id, plain.equals(open.core()) ? open
                    : new Command.OpenCore(plain, open.executable(), open.sysroot(), open.cancellation()), open.core(), s -> kept[0] = s);
        } catch (RuntimeException e) {
            if (kept[0] != null) kept[0].close();
            throw e;
        }
        dump = Optional.of(new DumpKind(MinidumpReader.isMinidump(plain),
                report.threads().stream().findFirst().map(t -> t.registers().arch()).orElse("unknown")));
        scope = new Command.SetScope(report.threads().stream().filter(ThreadInfo::crashed).findFirst()
                .or(() -> report.threads().stream().findFirst()).map(ThreadInfo::tid).orElse(new Tid(0)), 0);
        if (!MinidumpReader.isMinidump(plain)) {
            Optional<ThreadInfo> crashed = report.threads().stream().filter(ThreadInfo::crashed).findFirst()
                    .or(() -> report.threads().stream().findFirst());
            memory = new CoreMemory(plain, crashed);
            modules = report.modules();
            state = new CoreState(plain, new CoreOptions(open.executable(), open.sysroot()), report, Optional.ofNullable(kept[0]));
        } else if (kept[0] != null) {
            kept[0].close();
        }
        return report;
    }

    /** Reads {@code open.core()} (the plain file), reporting it under {@code named}, the name the user gave. */
    private DumpReport readCore(long id, Command.OpenCore open, Path named, java.util.function.Consumer<CoreSession> keep) {
        String source = named.toString();
        CoreReadListener relay = new CoreReadListener() {
            @Override public void opened(ProcessInfo process, Optional<SignalInfo> signal, List<ThreadInfo> threads) {
                host.emit(new DebugEvent.TargetOpened(id, source, "ELF core", process, signal, threads));
            }
            @Override public void module(Module module) { host.emit(new DebugEvent.ModuleLoaded(id, module)); }
            // Each thread's stack is told after the groups (below): see there.
            @Override public void stack(ThreadStack stack) {}
            @Override public void diagnostic(Diagnostic d) { host.emit(new DebugEvent.DiagnosticReported(id, d)); }
            @Override public void progress(long done, long total) {
                host.emit(new DebugEvent.ProgressReported(id, "Unwinding threads", done, total));
            }
            @Override public void dynamicTable(DynamicTable table) {
                host.emit(new DebugEvent.DynamicTableChanged(id, table, false));
            }
        };
        if (MinidumpReader.isMinidump(open.core())) return openMinidump(id, open);
        Optional<CrashMetadata> metadata = CrashMetadataReader.read(named);
        // Read under the name the user gave (labels, "beside the core"); the cache hit is free.
        DumpReport report = ElfCoreReader.read(named, new CoreOptions(open.executable(), open.sysroot()), relay, open.cancellation(), keep)
                .withOrigin(named, metadata);
        // The groups as soon as every stack is walked, then each thread's stack; the notes' listing and the symbol loads after
        // them. The groups first: a core of 100,000 threads sent (and the window applied) 100,000 stacks before the Parallel
        // stacks view could show the few groups they make. Every StackWalked still comes, so every view fills as before.
        if (host.watched()) {
            host.emit(DebugEvent.StacksGrouped.of(id, report));
            for (ThreadStack st : report.stacks()) host.emit(new DebugEvent.StackWalked(id, st));
        }
        metadata.ifPresent(m -> host.emit(new DebugEvent.CrashMetadataRead(id, m)));
        if (host.watched()) {
            // Deferred loading: the walked frames are the first need of their modules' symbols.
            host.symbols().openCore(named, open.core(), open.executable());
            host.symbols().framesSeen(pcs(report));
        }
        if (host.watched()) summarize(id, DumpOverview.ofElfCore(report, open.core()));
        return report;
    }

    static long[] pcs(DumpReport r) {
        return r.stacks().stream().flatMap(st -> st.frames().stream()).mapToLong(f -> f.pc().value()).distinct().toArray();
    }

    private DumpReport openMinidump(long id, Command.OpenCore open) {
        open.cancellation().throwIfCancelled();
        Map<Long, SymbolStatus> states = new ConcurrentHashMap<>();
        BreakpadSymbolLoads loads = new BreakpadSymbolLoads(host::emit, id, open.cancellation(), () -> 0, states);
        String stores = breakpadStores;
        AtomicReference<BreakpadWalk> walked = new AtomicReference<>();
        // The target and its modules are told before the walk, so that the symbol loads the walk starts are shown against them.
        MinidumpReader.Opened opened = new MinidumpReader.Opened() {
            @Override public void opened(String format, ProcessInfo process, Optional<SignalInfo> signal, List<ThreadInfo> threads) {
                host.emit(new DebugEvent.TargetOpened(id, open.core().toString(), format, process, signal, threads));
            }
            @Override public void modules(List<Module> modules) {
                modules.forEach(m -> host.emit(new DebugEvent.ModuleLoaded(id, m)));
            }
            @Override public void walkable(BreakpadWalk walk) { walked.set(walk); }
        };
        breakpadLoads = loads;
        DumpOverview o;
        try {
            o = MinidumpReader.read(open.core(), new CoreOptions(open.executable(), open.sysroot()), stores, opened, loads);
        } finally {
            breakpadLoads = null;
        }
        BreakpadWalk walk = walked.get();
        if (!stores.isBlank()) {
            // Modules no frame needed are deferred, as the symbol handler's are: Load looks them up.
            for (var m : walk.modules()) if (m.hasKey() && !walk.lookedUp(m.base())) loads.deferred(m.name(), m.base());
        }
        DumpReport r = o.report();
        r.diagnostics().forEach(d -> host.emit(new DebugEvent.DiagnosticReported(id, d)));
        int done = 0;
        for (var st : r.stacks()) {
            host.emit(new DebugEvent.StackWalked(id, st));
            host.emit(new DebugEvent.ProgressReported(id, "Walking stacks", ++done, r.stacks().size()));
        }
        if (host.watched()) host.emit(DebugEvent.StacksGrouped.of(id, r));   // after every StackWalked of this dump
        summarize(id, o);
        minidumpSymbols = new MinidumpSymbols(host, walk, r, id, states, breakpadStores);
        return r;
    }

    /**
     * Cancels the Breakpad symbol load of the module at {@code base} (or all) of the minidump being
     * opened, or of the open one (a Load, a Retry); any thread (the engine thread may be busy opening
     * it). Answers whether a load was running or queued.
     */
    boolean cancelBreakpadLoad(Optional<Long> base) {
        BreakpadSymbolLoads l = breakpadLoads;
        MinidumpSymbols m = minidumpSymbols;
        boolean opening = l != null && l.cancel(base);
        boolean after = m != null && m.cancel(base);
        return opening || after;
    }

    /** Notes of one kind listed one by one; the others of that kind are counted in one row. */
    static final int MAX_SAME_KIND = 64;

    /** Decoded renderings are bounded: a view shows the start of a big blob, the command line prints all of it. */
    private static final int MAX_DECODED = 64 * 1024;

    private void summarize(long id, DumpOverview o) {
        if (!host.watched()) return;        // nobody to show it to (the command line): do not decode thousands of notes
        host.emit(new DebugEvent.CrashSummarized(id, o.os(), o.cpu(), o.crash()));
        List<DumpData> items = new ArrayList<>(Math.min(o.secondaryData().size(), 4096));
        // ELF notes a core has once per thread (NT_PRSTATUS, NT_FPREGSET, ...): the first of each kind are listed, the others
        // counted in one row. A core of 100,000 threads rendered 100,000 hex dumps for the window (a 150 MB event).
        Map<String, long[]> more = new LinkedHashMap<>();      // tag -> {count, bytes} of those not listed
        Map<String, DumpData> firstOf = new HashMap<>();
        Map<String, Integer> listed = new HashMap<>();
        for (SecondaryData d : o.secondaryData()) {
            if (!d.tag().startsWith("note:") || listed.merge(d.tag(), 1, Integer::sum) <= MAX_SAME_KIND) {
                String text = d.decode().render();
                if (text.length() > MAX_DECODED) text = text.substring(0, MAX_DECODED) + "\n… (" + d.size() + " bytes in all)";
                DumpData item = new DumpData(d.tag(), d.name(), d.component(), d.size(), text);
                items.add(item);
                firstOf.putIfAbsent(d.tag(), item);
            } else {
                long[] m = more.computeIfAbsent(d.tag(), t -> new long[2]);
                m[0]++;
                m[1] += d.size();
            }
        }
        more.forEach((tag, m) -> {
            DumpData first = firstOf.get(tag);
            items.add(new DumpData(tag, String.format(java.util.Locale.ROOT, "%s × %,d more", first.name(), m[0]), first.component(), m[1],
                    String.format(java.util.Locale.ROOT, "%,d more %s notes (%,d bytes), not listed: the first %d are, above;"
                            + " every thread's registers are in the Threads and Registers views", m[0], first.name(), m[1], MAX_SAME_KIND)));
        });
        host.emit(new DebugEvent.DumpDataListed(id, items));
    }
}
