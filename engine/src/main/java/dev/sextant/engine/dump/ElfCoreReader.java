package dev.sextant.engine.dump;

import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.ElfLocator;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.SignalInfo;
import dev.sextant.engine.api.Signals;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.elfutils.CoreSession;
import dev.sextant.engine.elfutils.RawFrame;
import dev.sextant.engine.elfutils.ThreadSource;
import dev.sextant.engine.elfutils.ModuleReport;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.unwind.DynamicTables;
import dev.sextant.engine.unwind.GdbJitInterface;
import dev.sextant.engine.unwind.LibgccFrames;
import dev.sextant.engine.unwind.StackFrames;
import dev.sextant.engine.unwind.TargetMemory;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PrStatusLayout;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.symbols.DebugFileCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads an ELF core: the notes in Java (process, signal, threads, registers, mapped files), then
 * modules, unwinding and symbols through libdwfl. Malformed files fail with a
 * {@link TargetException} naming the file and the problem; problems that leave a partial view
 * (a truncated memory image, a missing executable) become diagnostics.
 */
public final class ElfCoreReader {
    private ElfCoreReader() {}

    public static DumpReport read(Path core, CoreOptions options, CoreReadListener listener, Cancellation cancel) {
        return read(core, options, listener, cancel, true, null);
    }

    /**
     * As above, and the libdwfl session the stacks were read with is handed to {@code keep}, which owns
     * it from then on, instead of being closed: the variables of those frames are read through the
     * modules, DWARF and symbols it already loaded (a second session found and read them all again:
     * 17-27 ms of {@code sextant locals} by the previous profile). Only when libdwfl read the core itself; where Sextant served the
     * threads and memory (many threads, generated code) that reader is closed with the read, and
     * {@code keep} is not called ({@link #openSession} makes one then).
     */
    public static DumpReport read(Path core, CoreOptions options, CoreReadListener listener, Cancellation cancel,
                                  Consumer<CoreSession> keep) {
        return read(core, options, listener, cancel, true, keep);
    }

    /** As above; without {@code sourceLines} the frames have names and inlined calls but no files and lines (crash signatures). */
    static DumpReport read(Path core, CoreOptions options, CoreReadListener listener, Cancellation cancel, boolean sourceLines) {
        return read(core, options, listener, cancel, sourceLines, null);
    }

    private static DumpReport read(Path core, CoreOptions options, CoreReadListener listener, Cancellation cancel, boolean sourceLines,
                                   Consumer<CoreSession> keep) {
        String label = core.toString();
        // A compressed core (systemd-coredump's .zst, .lz4, .xz) is read from its decompressed copy in the cache.
        Path file = Files.isRegularFile(core) ? CoreCache.standard().plain(core, listener::decompressing, cancel) : core;
        CoreFile notes = parseNotes(file, label);
        List<Diagnostic> diagnostics = new ArrayList<>();
        java.util.function.Consumer<Diagnostic> diag = d -> { diagnostics.add(d); listener.diagnostic(d); };
        // damaged notes are unreadable parts of the input: an error (exit status 1), as a cut-off memory image is
        notes.problems().forEach(p -> diag.accept(new Diagnostic(Severity.ERROR, p)));
        boolean truncated = checkMemoryImage(file, label, notes, diag);

        Optional<SignalInfo> signal = notes.signal().map(s -> new SignalInfo(s.signo(), s.code(),
                Signals.hasFaultAddress(s.signo(), s.code()) ? Optional.of(Address.of(s.addr())) : Optional.empty(),
                s.code() <= 0 && s.senderPid() > 0 ? Optional.of(new Pid(s.senderPid())) : Optional.empty()));
        if (signal.isEmpty()) {
            int cursig = notes.threads().get(0).cursig();
            if (cursig != 0) signal = Optional.of(new SignalInfo(cursig, 0x80, Optional.empty(), Optional.empty()));
        } else if (dumpedWhileRunning(notes)) {
            signal = Optional.empty();
        }
        Optional<String> executable = executablePath(notes);
        ProcessInfo process = processInfo(notes, executable, options);
        List<ThreadInfo> threads = threads(notes, process);
        listener.opened(process, signal, threads);

        if (options.executable().isPresent() && !Files.isRegularFile(options.executable().get())) {
            throw new TargetException(options.executable().get() + ": executable given with --exe does not exist");
        }
        if (options.executable().isEmpty() && executable.isPresent() && !executable.get().startsWith("[")) {
            Path exe = options.sysroot().map(r -> r.resolve(executable.get().replaceFirst("^/+", ""))).orElse(Path.of(executable.get()));
            if (!Files.isRegularFile(exe)) {
                diag.accept(new Diagnostic(Severity.ERROR, label + ": executable " + executable.get()
                        + " not found, so its frames have no symbols; pass --exe FILE"));
            }
        }
        Optional<String> libdw = ElfSession.unavailableReason();
        if (libdw.isPresent()) throw new TargetException(label + ": " + libdw.get());

        List<Module> modules = new ArrayList<>();
        List<ThreadStack> stacks = new ArrayList<>();
        ElfLocator locator = modname -> candidates(modname, executable, options, core);
        boolean generated = hasAnonymousCode(notes);
        CoreSession kept = null;
        try (CoreMemory memory = new CoreMemory(file, notes.segments(), notes.header().order())) {
            Optional<ThreadSource> served = threadSource(notes, memory, generated);
            CoreSession dwfl = CoreSession.open(file, Optional.of(notes), options.executable(), locator, served,
                    process.pid().value(), Optional.empty(), DebugFileCache.standard()::substitute);
            try {
                if (!sourceLines) dwfl.omitSourceLines();
                for (ModuleReport m : dwfl.modules()) {
                    String path = modulePath(m, notes);
                    Module mod = new Module(path, Address.of(m.start()), m.end() - m.start(), m.buildId(),
                            m.mainFile().or(() -> sameBuildId(path, m.buildId(), options)), m.debugFile());
                    modules.add(mod);
                    listener.module(mod);
                }
                // Files offered for a module and refused before libdwfl saw them (a relocatable file, another machine's, cut short):
                // the one the user gave is an error, the others warnings.
                boolean exeRefused = false;
                for (String r : dwfl.rejectedFiles()) {
                    boolean exe = r.contains(" (--exe) not used: ");
                    if (exe && r.contains(" not used: its build-id is ")) continue;     // said below, in the words of a wrong executable
                    exeRefused |= exe;
                    diag.accept(new Diagnostic(exe ? Severity.ERROR : Severity.WARNING, label + ": " + r));
                }
                if (options.executable().isPresent()) {
                    String given = options.executable().get().toString();
                    boolean used = modules.stream().anyMatch(m -> m.file().map(f -> f.equals(given)).orElse(false));
                    if (!used && !exeRefused) diag.accept(new Diagnostic(Severity.ERROR, label + ": " + unusedExecutable(given, executable, modules, truncated)));
                }
                cancel.throwIfCancelled();
                int total = threads.size();
                int[] done = {0};
                // Generated code the process registered (GDB JIT interface) is in the core's memory too.
                TargetMemory coreMemory = targetMemory(memory);
                // Looking the descriptor up reads every module's symbol table: only where there is code to find.
                SourceLookup lookup = generated ? new SourceLookup(dwfl) : null;
                List<Long> jit = generated ? lookup.symbolAddresses(GdbJitInterface.DESCRIPTOR, false) : List.of();
                // Frames registered with libgcc's __register_frame: its lists, found through its code (in the files: a core leaves code out)
                List<Long> reg = generated ? lookup.functionAddresses(LibgccFrames.REGISTER_INFO_BASES) : List.of();
                List<Long> dereg = generated ? lookup.functionAddresses(LibgccFrames.DEREGISTER_INFO_BASES) : List.of();
                boolean libgcc = reg.size() == 1 && dereg.size() == 1;
                Optional<DynamicTables> tables = jit.isEmpty() && !libgcc ? Optional.empty() : Optional.of(new DynamicTables());
                try {
                    tables.ifPresent(t -> {
                        if (libgcc) t.addLibgccRegistered(new ModuleFileMemory(modules), coreMemory, reg.get(0), dereg.get(0));
                        if (!jit.isEmpty()) t.syncGdbJit(coreMemory, jit);
                        for (String problem : t.problems()) diag.accept(new Diagnostic(Severity.WARNING, label + ": " + problem));
                        for (var info : t.tables().tables()) listener.dynamicTable(t.describe(info));
                    });
                    // Progress at most every 1/200 of the threads (and at the last): one per thread was half the
                    // events a core of 100,000 threads sent to the window.
                    int step = Math.max(1, total / 200);
                    StackFrames.Visitor sink = (tid, frames, stop) -> {
                        ThreadStack st = new ThreadStack(new Tid(tid), frames, stop);
                        stacks.add(st);
                        listener.stack(st);
                        if (++done[0] % step == 0 || done[0] == total) listener.progress(done[0], total);
                    };
                    if (dwfl.threadsUnavailable().isPresent()) {
                        String why = "libdwfl cannot unwind " + archName(notes.header()) + " (" + dwfl.threadsUnavailable().get()
                                + "): frame 0 only, from the core's registers";
                        diag.accept(new Diagnostic(Severity.WARNING, label + ": " + why));
                        for (ThreadInfo t : threads) {
                            RawFrame top = new RawFrame(t.registers().pc().map(Address::value).orElse(0L), true, false);
                            sink.thread(t.tid().value(), StackFrames.of(dwfl, List.of(top), Optional.empty()), Optional.of(why));
                        }
                    } else {
                        StackFrames.walk(dwfl, tables, coreMemory, cancel::isCancelled, diag, sink);
                    }
                } finally {
                    tables.ifPresent(DynamicTables::close);
                }
                cancel.throwIfCancelled();
                // The session outlives the read only when libdwfl reads the core itself: Sextant's reader is closed here.
                if (keep != null && served.isEmpty()) kept = dwfl;
            } finally {
                if (kept != dwfl) dwfl.close();
            }
        } catch (NativeCallException e) {
            throw new TargetException(label + ": libdwfl cannot read this core (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new TargetException(label + ": cannot be read (" + e.getMessage() + ")", e);
        }
        DumpReport report = new DumpReport(core, "ELF core (" + archName(notes.header()) + ")", process, signal, threads,
                modules, orderLike(stacks, threads), diagnostics);
        if (kept != null) keep.accept(kept);
        return report;
    }

    /**
     * A libdwfl session on {@code core} that finds module files as {@link #read} does, for reading
     * variables after the stacks were read (the caller owns and closes it).
     */
    public static CoreSession openSession(Path core, CoreOptions options) {
        // A compressed core is read from its decompressed copy in the cache (free when already there).
        Path file = Files.isRegularFile(core) ? CoreCache.standard().plain(core, CoreCache.Progress.NONE, new Cancellation()) : core;
        CoreFile notes = parseNotes(file, core.toString());
        Optional<String> executable = executablePath(notes);
        ProcessInfo process = processInfo(notes, executable, options);
        Optional<String> libdw = ElfSession.unavailableReason();
        if (libdw.isPresent()) throw new TargetException(core + ": " + libdw.get());
        try {
            return CoreSession.open(file, Optional.of(notes), options.executable(), modname -> candidates(modname, executable, options, core), Optional.empty(),
                    process.pid().value(), Optional.empty(), DebugFileCache.standard()::substitute);
        } catch (NativeCallException e) {
            throw new TargetException(core + ": libdwfl cannot read this core (" + e.getMessage() + ")", e);
        }
    }

    /**
     * libdwfl does not always name the file it read a module from (it opens NT_FILE paths itself);
     * a file at the module's path, under the sysroot when given, with the module's build-id is the one.
     */
    private static Optional<String> sameBuildId(String path, Optional<String> buildId, CoreOptions options) {
        if (buildId.isEmpty() || !path.startsWith("/")) return Optional.empty();
        Path file = options.sysroot().map(r -> r.resolve(path.substring(1))).orElse(Path.of(path));
        return BuildId.ofFile(file).filter(buildId.get()::equals).map(b -> file.toString());
    }

    /** libdwfl names modules by soname ("libc.so.6"); the NT_FILE note has the path the process mapped. */
    private static String modulePath(ModuleReport m, CoreFile notes) {
        if (m.name().startsWith("/")) return m.name();
        return notes.fileAt(m.start()).map(CoreFile.MappedFile::path)
                .or(() -> m.mainFile().filter(f -> f.startsWith("/")))
                .orElse(m.name());
    }

    /**
     * A file that is neither an ELF file nor a minidump: say what is read, and what the file starts
     * with. {@code file} is read under the name {@code label} (a compressed core's decompressed copy).
     */
    static TargetException unknownFormat(Path file, String label, FormatException cause) {
        String start;
        try (var in = Files.newInputStream(file)) {
            start = HexFormat.ofDelimiter(" ").formatHex(in.readNBytes(4));
        } catch (IOException e) {
            start = "unreadable";
        }
        return new TargetException(label + ": not a dump Sextant reads (it starts with " + start + "). Sextant reads ELF core files"
                + " (7f 45 4c 46, \"\\x7fELF\") and minidumps from Windows, Breakpad and Crashpad (4d 44 4d 50, \"MDMP\")", cause);
    }

    private static CoreFile parseNotes(Path core, String label) {
        try {
            if (!Files.exists(core)) throw new TargetException(label + ": no such file");
            if (Files.isDirectory(core)) throw new TargetException(label + ": is a directory, not a core file");
            if (Files.size(core) == 0) throw new TargetException(label + ": the file is empty, not a core file");
            return CoreFile.open(core);
        } catch (FormatException e) {
            if (e.kind() == FormatException.Kind.BAD_MAGIC && e.offset() == 0) throw unknownFormat(core, label, e);
            throw new TargetException(label + ": " + e.messageWithOffset(), e);
        } catch (NoSuchFileException e) {
            throw new TargetException(label + ": no such file", e);
        } catch (IOException e) {
            throw new TargetException(label + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Below this many threads libdwfl reads the core itself; from it on, Sextant serves threads and
     * memory. libdwfl's reader scans every segment for each word (cost grows with threads × segments,
     * seconds at 1,000 threads); Sextant's answers each word through a JNA callback (a few
     * microseconds each, a constant cost per frame). Measured on 50- and 1,000-thread cores of the
     * same program: libdwfl's reader unwinds 50 threads in 4 ms against 40 ms, 1,000 threads in
     * 400 ms against 110 ms.
     */
    static final int OWN_READER_FROM_THREADS = 256;

    /** {@link #OWN_READER_FROM_THREADS}, or {@code -Dsextant.ownReaderFromThreads=N} (0: always Sextant's reader). */
    static int ownReaderFromThreads() { return Integer.getInteger("sextant.ownReaderFromThreads", OWN_READER_FROM_THREADS); }

    private static Optional<ThreadSource> threadSource(CoreFile notes, CoreMemory memory,
                                                                                   boolean generated) {
        // Stepping frames of generated code restarts libdwfl's walk from registers Sextant computed:
        // that needs Sextant's reader too.
        if (notes.threads().size() < ownReaderFromThreads() && !generated) return Optional.empty();
        return CoreThreads.of(notes, memory).map(t -> t);
    }

    /**
     * True when the core holds executable memory that no mapped file backs, besides the vDSO and the
     * vsyscall page: generated code, whose unwind tables only the process itself can tell.
     */
    static boolean hasAnonymousCode(CoreFile notes) {
        Long vdso = notes.auxv().get(CoreFile.AT_SYSINFO_EHDR);
        for (ProgramHeader ph : notes.segments()) {
            if (ph.type() != ProgramHeader.PT_LOAD || (ph.flags() & ProgramHeader.PF_X) == 0) continue;
            if (vdso != null && ph.vaddr() == vdso) continue;
            if (ph.vaddr() == VSYSCALL) continue;
            if (notes.fileAt(ph.vaddr()).isEmpty()) return true;
        }
        return false;
    }

    private static final long VSYSCALL = 0xffffffffff600000L;

    /** A core cut short (disk full, killed writer) keeps its notes but loses memory: say how much. */
    /**
     * Why the executable given with {@code --exe} was not used: a different build-id, or (in a
     * truncated core) a copy of the executable's headers in the core that could not be read, so
     * that there was nothing to match it against. Never blames a file whose build-id is the core's.
     */
    private static String unusedExecutable(String given, Optional<String> executable, List<Module> modules, boolean truncated) {
        Optional<String> expected = modules.stream().filter(m -> executable.map(m.path()::equals).orElse(false))
                .findFirst().flatMap(Module::buildId);
        Optional<String> actual = BuildId.ofFile(Path.of(given));
        if (expected.isPresent() && actual.isPresent() && !expected.equals(actual)) {
            return given + " is not the executable that produced this core (its build-id is " + actual.get()
                    + ", the core's executable has " + expected.get() + "), so its frames have no symbols";
        }
        if (truncated) {
            return given + " could not be matched with the core's executable: the core is truncated and its copy of the"
                    + " executable's first pages (where the build-id is) could not be read, so its frames have no symbols;"
                    + " the whole core is needed";
        }
        if (expected.isEmpty()) {
            return given + " could not be matched with the core's executable: the core records no build-id for "
                    + executable.orElse("it") + ", so its frames have no symbols";
        }
        return given + " is not the executable that produced this core (its build-id differs), so its frames have no symbols";
    }

    /**
     * A core written of a process that was running (gdb's {@code gcore}, which attached with
     * SIGSTOP): no thread's {@code pr_cursig} is set and the only signal recorded is the stop of
     * the attach. gdb reports no signal for such a core; neither does Sextant.
     */
    private static boolean dumpedWhileRunning(CoreFile notes) {
        if (notes.threads().stream().anyMatch(t -> t.cursig() != 0)) return false;
        int signo = notes.signal().map(s -> s.signo()).orElse(0);
        return signo == 0 || signo == 19 || signo == 20 || signo == 21 || signo == 22;   // SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU
    }

    private static boolean checkMemoryImage(Path core, String label, CoreFile notes, java.util.function.Consumer<Diagnostic> diag) {
        long size;
        try { size = Files.size(core); } catch (IOException e) { return false; }
        long needed = 0;
        for (ProgramHeader ph : notes.segments()) {
            if (ph.type() == ProgramHeader.PT_LOAD && ph.filesz() > 0) needed = Math.max(needed, ph.offset() + ph.filesz());
        }
        if (needed > size) {
            diag.accept(new Diagnostic(Severity.ERROR, label + ": truncated core: " + size + " of " + needed
                    + " bytes present; memory beyond offset 0x" + Long.toHexString(size) + " is missing, so stacks may be cut short"));
            return true;
        }
        return false;
    }

    private static Optional<String> executablePath(CoreFile notes) {
        Long entry = notes.auxv().get(CoreFile.AT_ENTRY);
        if (entry != null) {
            Optional<CoreFile.MappedFile> f = notes.fileAt(entry);
            if (f.isPresent()) return Optional.of(f.get().path());
        }
        return notes.files().isEmpty() ? Optional.empty() : Optional.of(notes.files().get(0).path());
    }

    private static ProcessInfo processInfo(CoreFile notes, Optional<String> executable, CoreOptions options) {
        CoreFile.PrStatus first = notes.threads().get(0);
        int pid = notes.process().map(CoreFile.PrPsInfo::pid).filter(p -> p > 0).orElse(first.tid());
        Optional<Pid> parent = notes.process().map(CoreFile.PrPsInfo::ppid).filter(p -> p > 0).map(Pid::new);
        String command = notes.process().map(CoreFile.PrPsInfo::fname).orElse("");
        String args = notes.process().map(p -> p.psargs().strip()).orElse("");
        Optional<String> exe = options.executable().map(Path::toString).or(() -> executable);
        return new ProcessInfo(new Pid(pid), parent, command, args, exe, archName(notes.header()));
    }

    private static List<ThreadInfo> threads(CoreFile notes, ProcessInfo process) {
        List<ThreadInfo> out = new ArrayList<>();
        // A core saved from a running process (gcore, save-dump --pid) has no signal: no thread crashed.
        boolean first = !dumpedWhileRunning(notes) && (notes.signal().isPresent() || notes.threads().get(0).cursig() != 0);
        Optional<PrStatusLayout> layout = PrStatusLayout.of(notes.header());
        for (CoreFile.PrStatus st : notes.threads()) {
            // Linux writes the thread that took the fatal signal first.
            Optional<String> name = st.tid() == process.pid().value() && !process.command().isEmpty()
                    ? Optional.of(process.command()) : Optional.empty();
            out.add(new ThreadInfo(new Tid(st.tid()), name, first, st.cursig(), RegisterLayout.of(notes.header(), layout, st.regs())));
            first = false;
        }
        return out;
    }

    private static List<ThreadStack> orderLike(List<ThreadStack> stacks, List<ThreadInfo> threads) {
        Map<Tid, ThreadStack> byTid = new HashMap<>();
        stacks.forEach(s -> byTid.put(s.tid(), s));
        List<ThreadStack> out = new ArrayList<>();
        for (ThreadInfo t : threads) {
            ThreadStack s = byTid.remove(t.tid());
            if (s != null) out.add(s);
        }
        out.addAll(byTid.values());
        return out;
    }

    private static TargetMemory targetMemory(CoreMemory memory) {
        return new TargetMemory() {
            @Override public byte[] read(long address, int length) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(length);
                try {
                    while (b.hasRemaining() && memory.read(address + b.position(), b) > 0) { /* segment by segment */ }
                } catch (IOException e) {
                    // what was read so far
                }
                return java.util.Arrays.copyOf(b.array(), b.position());
            }
            @Override public java.util.OptionalLong readWord(long address) { return memory.word(address, 8); }
        };
    }

    private static List<Map.Entry<String, Path>> candidates(String modname, Optional<String> executable, CoreOptions options,
                                                            Path core) {
        List<Map.Entry<String, Path>> out = new ArrayList<>(4);
        if (options.executable().isPresent() && executable.isPresent() && executable.get().equals(modname)) {
            out.add(Map.entry("--exe", options.executable().get()));
        }
        if (options.sysroot().isPresent() && modname.startsWith("/")) {
            out.add(Map.entry("sysroot", options.sysroot().get().resolve(modname.substring(1))));
        }
        // People copy the libraries of a crash next to its core or executable; look there by file name.
        String base = Path.of(modname).getFileName() == null ? "" : Path.of(modname).getFileName().toString();
        if (!base.isEmpty() && !base.startsWith("[")) {
            Path absCore = core.toAbsolutePath();
            if (absCore.getParent() != null) out.add(Map.entry("beside the core", absCore.getParent().resolve(base)));
            options.executable().map(e -> e.toAbsolutePath().getParent()).ifPresent(d -> out.add(Map.entry("beside --exe", d.resolve(base))));
        }
        out.removeIf(e -> !java.nio.file.Files.isRegularFile(e.getValue()));
        return out;
    }

    /** The architecture as eu-readelf says it ({@code ppc64le}, {@code s390x}, {@code x32}), else the ELF machine's name. */
    private static String archName(ElfHeader eh) {
        return PrStatusLayout.of(eh).map(PrStatusLayout::arch).orElse(eh.machineName());
    }
}
