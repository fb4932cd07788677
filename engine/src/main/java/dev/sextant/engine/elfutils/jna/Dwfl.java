package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.sextant.engine.api.NativeCallException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * One libdwfl session over an ELF core file: modules, threads, unwinding and symbolization.
 * Owns the {@code Dwfl*}, the core's {@code Elf*} and its fd; not thread-safe (libdwfl is not):
 * every call comes from the thread that owns the target. Failures of libdwfl calls become
 * {@link NativeCallException} with {@code dwfl_errmsg}'s text. No {@code Pointer} leaves this class.
 */
public final class Dwfl implements AutoCloseable {

    /** Where to look for a module's file when libdwfl's own search (build-id, the path in the core) fails. */
    public interface ElfLocator {
        /** Candidate files for {@code modname}, each with the rule's name ("sysroot", "--exe"). */
        List<Map.Entry<String, Path>> candidates(String modname);
    }

    /** Receives one thread's pcs as unwound: {@code activation[i]} is true where pc is exact (not a return address). */
    public interface ThreadVisitor {
        void thread(int tid, long[] pcs, boolean[] activation, Optional<String> stopReason);

        /** As above; {@code stepped[i]} is true where the {@link FrameStepper} (not libdwfl) found frame i's caller. */
        default void thread(int tid, long[] pcs, boolean[] activation, boolean[] stepped, Optional<String> stopReason) {
            thread(tid, pcs, activation, stopReason);
        }
    }

    /**
     * Steps frames that lie in no module (generated code) with Sextant's own tables: given the frame's
     * pc and registers (DWARF numbering), the caller's registers with its pc under DWARF 16 (x86-64
     * rip), or empty to let libdwfl go on by itself (its x86-64 fallback follows the frame pointer).
     * Called on the thread that owns this session, from inside libdwfl; must not throw.
     */
    public interface FrameStepper {
        Optional<Map<Integer, Long>> step(long pc, boolean activation, java.util.function.IntFunction<OptionalLong> registers);
    }

    /** Whether this libdw can read an unwound frame's registers ({@code dwfl_frame_reg}, elfutils 0.188). */
    public static boolean canStepFrames() { return FrameRegisters.AVAILABLE; }

    /** Registers (DWARF 0..16, 16 = pc) the next {@code set_initial_registers} hands libdwfl instead of the thread's own. */
    private Map<Integer, Long> restartRegisters;

    private static final int MAX_FRAMES = 256;
    /** libdwfl's default build-id directory (its debuginfo_path default is ":.debug:/usr/lib/debug"). */
    private static final String BUILD_ID_DIR = "/usr/lib/debug/.build-id";

    private final int fd;
    private final Pointer elf;
    private final Pointer dwfl;
    private final Memory callbacks;          // libdwfl keeps a pointer to this struct: it must live as long as dwfl
    private final LibDw.FindElf findElf;     // strong reference: the native side holds only the function pointer
    private LiveState live;                  // live processes only: thread callbacks and their struct
    private final LibDw.FindDebuginfo findDebuginfo;   // Sextant's search, or null for dwfl_standard_find_debuginfo
    private final Map<String, String> foundBy = new ConcurrentHashMap<>();
    private final Map<Long, List<ResolvedFrame>> symbolCache = new HashMap<>();
    private boolean sourceLines = true;

    /**
     * Frames without source files and lines (names and inlined calls only): reading a module's line
     * table was half the time of a crash signature, which names functions only.
     */
    public void omitSourceLines() {
        sourceLines = false;
        symbolCache.clear();
    }
    private final Map<Long, DwflSymbols.PltIndex> pltIndex = new HashMap<>();
    private final Map<Long, String> moduleNames = new HashMap<>();
    private boolean closed;

    private Dwfl(int fd, Pointer elf, ElfLocator locator) {
        this(fd, elf, locator, Optional.empty());
    }

    private Dwfl(int fd, Pointer elf, ElfLocator locator, Optional<DebugInfoSearch> search) {
        this(fd, elf, locator, search, null);
    }

    private Dwfl(int fd, Pointer elf, ElfLocator locator, Optional<DebugInfoSearch> search,
                 UnaryOperator<Path> debugFileSubstitute) {
        this.fd = fd;
        this.elf = elf;
        this.findElf = (mod, userdata, modname, base, fileName, elfp) -> {
            int found = LibDw.dwfl_build_id_find_elf(mod, userdata, modname, base, fileName, elfp);
            String name = modname == null ? "" : modname.getString(0);
            if (found >= 0 || elfp.getPointer(0) != null) {
                foundBy.put(name, "build-id or path in core");
                return found;
            }
            for (Map.Entry<String, Path> c : locator.candidates(name)) {
                int f = Posix.open(c.getValue().toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
                if (f >= 0) {
                    fileName.setPointer(0, Posix.strdup(c.getValue().toString()));   // libdwfl frees it
                    foundBy.put(name, c.getKey());
                    return f;
                }
            }
            return -1;
        };
        this.callbacks = new Memory(4L * Native.POINTER_SIZE);
        callbacks.clear();
        callbacks.setPointer(0, DirectCallbacks.pointer(findElf));
        this.findDebuginfo = search.map(DwflSymbols::findDebuginfo)
                .orElse(debugFileSubstitute == null ? null : standardThen(debugFileSubstitute));
        callbacks.setPointer(Native.POINTER_SIZE, findDebuginfo != null ? DirectCallbacks.pointer(findDebuginfo)
                : LibDw.DW.getFunction("dwfl_standard_find_debuginfo"));
        this.dwfl = LibDw.dwfl_begin(callbacks);
        if (dwfl == null) throw dwflError("dwfl_begin");
    }

    /**
     * {@code dwfl_standard_find_debuginfo}, then {@code substitute} on the file it found (Sextant's
     * cache of uncompressed debug files): libdwfl reads the substitute in its place.
     */
    private static LibDw.FindDebuginfo standardThen(UnaryOperator<Path> substitute) {
        return (mod, userdata, modname, base, fileName, debuglink, crc, out) -> {
            // The build-id directory first, as libdwfl does: its own lookup there keeps the file it
            // opened (mod->debug.elf) whatever fd this callback returns, so substitute before it runs.
            try {
                Optional<String> id = buildId(mod);
                if (id.isPresent() && id.get().length() > 2) {
                    Path byId = Path.of(BUILD_ID_DIR, id.get().substring(0, 2), id.get().substring(2) + ".debug");
                    if (java.nio.file.Files.isRegularFile(byId)) {
                        Path use = substitute.apply(byId);
                        if (!use.equals(byId) && use.getFileName().toString().startsWith(id.get() + "-")) {
                            int f = Posix.open(use.toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
                            if (f >= 0) {
                                out.setPointer(0, Posix.strdup(use.toString()));   // libdwfl frees it
                                return f;
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                // fall through to the standard search
            }
            int fd = LibDw.dwfl_standard_find_debuginfo(mod, userdata, modname, base, fileName, debuglink, crc, out);
            if (fd < 0) return fd;
            try {
                Pointer name = out.getPointer(0);
                if (name == null) return fd;
                Path found = Path.of(name.getString(0));
                Path use = substitute.apply(found);
                if (use.equals(found)) return fd;
                int other = Posix.open(use.toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
                if (other < 0) return fd;
                Posix.close(fd);
                Posix.free(name);
                out.setPointer(0, Posix.strdup(use.toString()));
                return other;
            } catch (RuntimeException e) {
                return fd;     // never unwind through libdwfl's frames; the standard file is fine
            }
        };
    }

    /** Live-process session: libdwfl's own /proc finder for module files, no core. */
    private Dwfl() {
        this(Optional.empty(), null);
    }

    /**
     * As {@link #Dwfl()}, with Sextant's separate-debug-file search when given, else libdwfl's
     * standard search followed by {@code debugFileSubstitute} (when not null).
     */
    private Dwfl(Optional<DebugInfoSearch> search, UnaryOperator<Path> debugFileSubstitute) {
        this.fd = -1;
        this.elf = null;
        this.findElf = null;
        this.findDebuginfo = search.map(DwflSymbols::findDebuginfo)
                .orElse(debugFileSubstitute == null ? null : standardThen(debugFileSubstitute));
        this.callbacks = new Memory(4L * Native.POINTER_SIZE);
        callbacks.clear();
        callbacks.setPointer(0, LibDw.DW.getFunction("dwfl_linux_proc_find_elf"));
        callbacks.setPointer(Native.POINTER_SIZE, findDebuginfo != null ? DirectCallbacks.pointer(findDebuginfo)
                : LibDw.DW.getFunction("dwfl_standard_find_debuginfo"));
        this.dwfl = LibDw.dwfl_begin(callbacks);
        if (dwfl == null) throw dwflError("dwfl_begin");
    }

    /**
     * Opens a session on a live process that the caller already traces and has stopped:
     * {@code dwfl_linux_proc_report} for modules, then {@code dwfl_attach_state} with callbacks
     * served by {@code process}, so libdwfl never attaches a second time (it would fail: a task
     * has one tracer). Every call, callbacks included, happens on the calling thread.
     */
    public static Dwfl openLive(int pid, LiveProcess process) {
        return openLive(pid, process, null);
    }

    /** As above, with {@code debugFileSubstitute} as in {@link #openCore(Path, Optional, ElfLocator, Optional, int, Optional, UnaryOperator)}. */
    public static Dwfl openLive(int pid, LiveProcess process, UnaryOperator<Path> debugFileSubstitute) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        Dwfl d = new Dwfl(Optional.empty(), debugFileSubstitute);
        try {
            d.reportProcess(pid);
            d.live = new LiveState(process, d);
            if (LibDw.dwfl_attach_state(d.dwfl, null, pid, d.live.struct, null) == 0) throw dwflError("dwfl_attach_state");
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /**
     * As {@link #openLive(int, LiveProcess, UnaryOperator)}, with libdwfl reading the stopped
     * process itself ({@code dwfl_linux_proc_attach} with {@code assume_ptrace_stopped}: no attach
     * of its own; registers through ptrace and memory through {@code process_vm_readv} with its page
     * cache, from the calling thread, which must be the tracer's). Much faster than serving every
     * word through a callback; frames cannot be stepped by Sextant's dynamic tables.
     */
    public static Dwfl openLiveStopped(int pid, UnaryOperator<Path> debugFileSubstitute) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        Dwfl d = new Dwfl(Optional.empty(), debugFileSubstitute);
        try {
            d.reportProcess(pid);
            int rc = LibDw.dwfl_linux_proc_attach(d.dwfl, pid, true);
            if (rc != 0) {
                throw new NativeCallException("dwfl_linux_proc_attach", rc,
                        rc > 0 ? Posix.strerror(rc) : String.valueOf(LibDw.dwfl_errmsg(LibDw.dwfl_errno())));
            }
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /**
     * A symbols-only session on a live process: its modules from /proc/PID/maps
     * ({@code dwfl_linux_proc_report}), no thread state, so it needs no ptrace and may live on a
     * thread other than the tracer's. {@link #refreshModules} follows dlopen/dlclose.
     */
    public static Dwfl openProcessModules(int pid, Optional<DebugInfoSearch> search) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        Dwfl d = new Dwfl(search, null);
        try {
            d.reportProcess(pid);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** Unwinds one thread ({@code dwfl_getthread_frames}): its pcs, innermost first, at most {@code max}. */
    public long[] unwindThread(int tid, int max) {
        long[] pcs = new long[max];
        int[] count = new int[1];
        long[] pc = new long[1];
        byte[] isAct = new byte[1];
        LibDw.FrameCallback cb = (frame, arg) -> {
            if (LibDw.dwfl_frame_pc(frame, pc, isAct) == 0) return LibDw.DWARF_CB_ABORT;
            pcs[count[0]++] = pc[0];
            return count[0] >= max ? LibDw.DWARF_CB_ABORT : LibDw.DWARF_CB_OK;
        };
        LibDw.dwfl_getthread_frames(dwfl, tid, cb, null);
        return java.util.Arrays.copyOf(pcs, count[0]);
    }

    /** For {@link SourceLookup} in this package; never leaves it. */
    Pointer handle() { return dwfl; }

    /** Re-reads the module list from /proc/PID/maps (after a dlopen or dlclose); symbol caches are dropped. */
    public void refreshModules(int pid) {
        reportProcess(pid);
        symbolCache.clear();
        moduleNames.clear();
    }

    private void reportProcess(int pid) {
        LibDw.dwfl_report_begin(dwfl);
        int rc = LibDw.dwfl_linux_proc_report(dwfl, pid);
        if (rc != 0) {
            LibDw.dwfl_report_end(dwfl, null, null);
            throw rc > 0 ? new NativeCallException("dwfl_linux_proc_report", rc, Posix.strerror(rc)) : dwflError("dwfl_linux_proc_report");
        }
        if (LibDw.dwfl_report_end(dwfl, null, null) != 0) throw dwflError("dwfl_report_end");
    }

    /**
     * Opens a core: {@code elf_begin}, {@code dwfl_core_file_report} (modules from the link map and
     * NT_FILE), {@code dwfl_report_end}, then threads either from {@code dwfl_core_file_attach} or,
     * when {@code threads} is given, from Sextant through {@code dwfl_attach_state}.
     */
    public static Dwfl openCore(Path core, Optional<Path> executable, ElfLocator locator) {
        return openCore(core, executable, locator, Optional.empty(), 0);
    }

    /**
     * As {@link #openCore(Path, Optional, ElfLocator)}, with Sextant serving threads and memory.
     * libdwfl's own core reader scans every PT_LOAD on each word it reads, which costs O(threads)
     * per read: a 1,000-thread core spends seconds there. {@code wordSize} is 4 or 8.
     */
    public static Dwfl openCore(Path core, Optional<Path> executable, ElfLocator locator, Optional<ThreadSource> threads,
                                int pid) {
        return openCore(core, executable, locator, threads, pid, Optional.empty());
    }

    /**
     * As above, with Sextant's own separate-debug-file search as libdwfl's {@code find_debuginfo}
     * callback (empty: {@code dwfl_standard_find_debuginfo}).
     */
    public static Dwfl openCore(Path core, Optional<Path> executable, ElfLocator locator, Optional<ThreadSource> threads,
                                int pid, Optional<DebugInfoSearch> search) {
        return openCore(core, executable, locator, threads, pid, search, null);
    }

    /**
     * As above; when {@code search} is empty, libdwfl's standard search runs and
     * {@code debugFileSubstitute} (when not null) may name another file to read in place of the one
     * it found.
     */
    public static Dwfl openCore(Path core, Optional<Path> executable, ElfLocator locator, Optional<ThreadSource> threads,
                                int pid, Optional<DebugInfoSearch> search, UnaryOperator<Path> debugFileSubstitute) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        int fd = Posix.open(core.toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
        if (fd < 0) throw new NativeCallException("open", Native.getLastError(), "cannot open " + core);
        Pointer elf = LibElf.elf_begin(fd, LibElf.ELF_C_READ_MMAP, null);
        if (elf == null) {
            int e = LibElf.elf_errno();
            Posix.close(fd);
            throw new NativeCallException("elf_begin", e, LibElf.elf_errmsg(e));
        }
        Dwfl d;
        try {
            d = new Dwfl(fd, elf, locator, search, debugFileSubstitute);
        } catch (RuntimeException e) {
            LibElf.elf_end(elf);
            Posix.close(fd);
            throw e;
        }
        try {
            if (LibDw.dwfl_core_file_report(d.dwfl, elf, executable.map(Path::toString).orElse(null)) < 0) {
                throw dwflError("dwfl_core_file_report");
            }
            if (LibDw.dwfl_report_end(d.dwfl, null, null) != 0) throw dwflError("dwfl_report_end");
            if (threads.isPresent()) {
                d.attachState(threads.get(), pid, is64(elf) ? 8 : 4);
            } else if (LibDw.dwfl_core_file_attach(d.dwfl, elf) < 0) {
                throw dwflError("dwfl_core_file_attach");
            }
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** A module known by address range and build-id only (a minidump's module list): libdwfl finds its file. */
    public record ReportedModule(String name, long start, long end, Optional<byte[]> buildId) {}

    /**
     * A session over modules reported by address ({@code dwfl_report_module}, with
     * {@code dwfl_module_report_build_id} so that libdwfl takes only a file with that build-id) and
     * threads and memory served by Sextant ({@code dwfl_attach_state}, no ELF: the unwinder's
     * backend comes from the first module whose file is found). Files are searched by build-id
     * (debug directories, debuginfod), then among {@code locator}'s candidates. Fails when no
     * module's file is found: there is nothing to unwind with.
     */
    public static Dwfl openModules(List<ReportedModule> modules, ElfLocator locator, ThreadSource threads, int pid, int wordSize,
                                   Optional<DebugInfoSearch> search) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        Dwfl d = new Dwfl(-1, null, locator, search);
        try {
            LibDw.dwfl_report_begin(d.dwfl);
            for (ReportedModule m : modules) {
                if (Long.compareUnsigned(m.end(), m.start()) <= 0) continue;
                Pointer mod = LibDw.dwfl_report_module(d.dwfl, m.name(), m.start(), m.end());
                if (mod == null) continue;                  // overlaps one reported before: libdwfl keeps the first
                if (m.buildId().isPresent() && m.buildId().get().length > 0) {
                    LibDw.dwfl_module_report_build_id(mod, m.buildId().get(), m.buildId().get().length, 0);
                }
            }
            if (LibDw.dwfl_report_end(d.dwfl, null, null) != 0) throw dwflError("dwfl_report_end");
            d.attachState(threads, pid, wordSize);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private Memory threadCallbacks;                  // kept alive as long as dwfl: libdwfl holds the pointer
    private LibDw.NextThread nextThread;
    private LibDw.MemoryRead memoryRead;
    private LibDw.SetInitialRegisters setRegisters;

    private void attachState(ThreadSource source, int pid, int wordSize) {
        int[] tids = source.threads();
        nextThread = (dwflPtr, arg, threadArgp) -> {
            long index = Pointer.nativeValue(threadArgp.getPointer(0));   // NULL starts a new iteration
            if (index >= tids.length) return 0;
            threadArgp.setPointer(0, new Pointer(index + 1));
            return tids[(int) index];
        };
        memoryRead = (dwflPtr, addr, result, arg) -> {
            OptionalLong w = source.readWord(addr, wordSize);
            if (w.isEmpty()) return 0;
            result.setLong(0, w.getAsLong());
            return 1;
        };
        setRegisters = (thread, threadArg) -> {
            if (restartRegisters != null) return setRestartRegisters(thread) ? (byte) 1 : 0;
            int index = (int) Pointer.nativeValue(threadArg) - 1;
            long[] regs = source.dwarfRegisters(index);
            if (LibDw.dwfl_thread_state_registers(thread, 0, regs.length, regs) == 0) return 0;
            LibDw.dwfl_thread_state_register_pc(thread, source.pc(index));
            return 1;
        };
        threadCallbacks = new Memory(6L * Native.POINTER_SIZE);
        threadCallbacks.clear();
        threadCallbacks.setPointer(0, DirectCallbacks.pointer(nextThread));
        threadCallbacks.setPointer(2L * Native.POINTER_SIZE, DirectCallbacks.pointer(memoryRead));
        threadCallbacks.setPointer(3L * Native.POINTER_SIZE, DirectCallbacks.pointer(setRegisters));
        if (LibDw.dwfl_attach_state(dwfl, elf, pid, threadCallbacks, null) == 0) throw dwflError("dwfl_attach_state");
    }

    boolean restarting() { return restartRegisters != null; }

    /** Hands libdwfl the registers of a frame Sextant stepped to; unknown registers stay undefined. */
    boolean setRestartRegisters(Pointer thread) {
        Map<Integer, Long> regs = restartRegisters;
        long[] one = new long[1];
        for (Map.Entry<Integer, Long> r : regs.entrySet()) {
            if (r.getKey() >= 16) continue;
            one[0] = r.getValue();
            if (LibDw.dwfl_thread_state_registers(thread, r.getKey(), 1, one) == 0) return false;
        }
        LibDw.dwfl_thread_state_register_pc(thread, regs.get(16));
        return true;
    }

    private static boolean is64(Pointer elf) {
        Pointer ident = LibElf.elf_getident(elf, null);
        return ident != null && ident.getByte(4) == 2;
    }

    private static NativeCallException dwflError(String call) {
        int e = LibDw.dwfl_errno();
        String msg = LibDw.dwfl_errmsg(e);
        return new NativeCallException(call, e, msg == null ? "unknown libdwfl error" : msg);
    }

    /** Every reported module, with its file looked up now ({@code dwfl_module_getelf}). */
    public List<ModuleReport> modules() {
        List<Pointer> mods = new ArrayList<>();
        LibDw.ModuleCallback cb = (module, userdata, name, start, arg) -> {
            mods.add(module);
            return LibDw.DWARF_CB_OK;
        };
        LibDw.dwfl_getmodules(dwfl, cb, null, 0);
        List<ModuleReport> out = new ArrayList<>(mods.size());
        for (Pointer m : mods) {
            long[] bias = new long[1];
            Pointer modElf = LibDw.dwfl_module_getelf(m, bias);
            long[] start = new long[1], end = new long[1];
            PointerByReference main = new PointerByReference(), debug = new PointerByReference();
            Pointer name = LibDw.dwfl_module_info(m, null, start, end, null, null, main, debug);
            String n = name == null ? "?" : name.getString(0);
            Optional<String> mainFile = Optional.ofNullable(main.getValue()).map(p -> p.getString(0));
            // The vDSO exists only in memory; any other module rebuilt from the core's pages has no symbols.
            if (mainFile.isEmpty() && modElf != null && (n.startsWith("linux-vdso") || n.startsWith("linux-gate") || n.equals("[vdso]"))) {
                mainFile = Optional.of("[in core memory]");
            }
            Optional<String> debugFile = Optional.ofNullable(debug.getValue()).map(p -> p.getString(0));
            out.add(new ModuleReport(n, start[0], end[0], buildId(m), mainFile, debugFile,
                    mainFile.isPresent() ? Optional.of(foundBy.getOrDefault(n, "path in core")) : Optional.empty()));
        }
        return out;
    }

    /** The module's GNU build-id in hex ({@code dwfl_module_build_id}). */
    static Optional<String> buildId(Pointer mod) {
        PointerByReference bits = new PointerByReference();
        long[] vaddr = new long[1];
        int len = LibDw.dwfl_module_build_id(mod, bits, vaddr);
        if (len <= 0 || bits.getValue() == null) return Optional.empty();
        return Optional.of(HexFormat.of().formatHex(bits.getValue().getByteArray(0, len)));
    }

    /**
     * Unwinds every thread in the order libdwfl reports them (note order for cores), at most
     * {@value #MAX_FRAMES} frames each. {@code cancelled} is polled between threads and frames.
     */
    public void walkThreads(ThreadVisitor visitor, BooleanSupplier cancelled) {
        walkThreads(visitor, cancelled, null);
    }

    /**
     * As {@link #walkThreads(ThreadVisitor, BooleanSupplier)}; where a frame lies in no module and
     * {@code stepper} knows it, the walk is cut there and started again from the caller's registers
     * the stepper recovered (libdwfl has no hook to step one frame by other rules). Only for sessions
     * whose thread state Sextant serves (live processes, cores opened with a {@link ThreadSource}).
     */
    public void walkThreads(ThreadVisitor visitor, BooleanSupplier cancelled, FrameStepper stepper) {
        long[] pcs = new long[MAX_FRAMES];
        boolean[] act = new boolean[MAX_FRAMES];
        boolean[] stepped = new boolean[MAX_FRAMES];
        int[] count = new int[1];
        long[] pc = new long[1];
        byte[] isAct = new byte[1];
        boolean canStep = stepper != null && (live != null || threadCallbacks != null) && FrameRegisters.AVAILABLE;
        @SuppressWarnings("unchecked") Map<Integer, Long>[] restart = new Map[1];
        boolean[] firstOfRestart = new boolean[1];
        LibDw.FrameCallback frameCb = (frame, arg) -> {
            if (cancelled.getAsBoolean()) return LibDw.DWARF_CB_ABORT;
            if (LibDw.dwfl_frame_pc(frame, pc, isAct) == 0) return LibDw.DWARF_CB_ABORT;
            int i = count[0];
            pcs[i] = pc[0];
            // A walk restarted from a stepped caller begins at a return address, which libdwfl takes for an exact pc.
            act[i] = isAct[0] != 0 && !firstOfRestart[0];
            firstOfRestart[0] = false;
            stepped[i] = false;
            count[0]++;
            if (count[0] >= MAX_FRAMES) return LibDw.DWARF_CB_ABORT;
            if (canStep && LibDw.dwfl_addrmodule(dwfl, act[i] ? pc[0] : pc[0] - 1) == null) {
                try {
                    Optional<Map<Integer, Long>> caller = stepper.step(pc[0], act[i], r -> FrameRegisters.read(frame, r));
                    if (caller.isPresent() && caller.get().containsKey(16)) {
                        stepped[i] = true;
                        restart[0] = caller.get();
                        return LibDw.DWARF_CB_ABORT;
                    }
                } catch (RuntimeException e) {
                    // a failing stepper leaves the frame to libdwfl
                }
            }
            return LibDw.DWARF_CB_OK;
        };
        LibDw.ThreadCallback threadCb = (thread, arg) -> {
            if (cancelled.getAsBoolean()) return LibDw.DWARF_CB_ABORT;
            int tid = LibDw.dwfl_thread_tid(thread);
            count[0] = 0;
            restart[0] = null;
            int rc = LibDw.dwfl_thread_getframes(thread, frameCb, null);
            while (restart[0] != null && count[0] < MAX_FRAMES && !cancelled.getAsBoolean()) {
                restartRegisters = restart[0];
                restart[0] = null;
                firstOfRestart[0] = true;
                try {
                    rc = LibDw.dwfl_thread_getframes(thread, frameCb, null);
                } finally {
                    restartRegisters = null;
                }
            }
            Optional<String> stop = Optional.empty();
            if (rc < 0) {
                int e = LibDw.dwfl_errno();
                stop = Optional.ofNullable(LibDw.dwfl_errmsg(e));
            } else if (count[0] >= MAX_FRAMES) {
                stop = Optional.of("stopped after " + MAX_FRAMES + " frames");
            }
            int n = count[0];
            visitor.thread(tid, java.util.Arrays.copyOf(pcs, n), java.util.Arrays.copyOf(act, n),
                    java.util.Arrays.copyOf(stepped, n), stop);
            return LibDw.DWARF_CB_OK;
        };
        int rc = LibDw.dwfl_getthreads(dwfl, threadCb, null);
        if (rc < 0 && !cancelled.getAsBoolean()) throw dwflError("dwfl_getthreads");
    }

    /**
     * Module, function, source line and inlined calls for one pc; the physical frame is the last
     * row, inlined calls (innermost first) come before it. Cached per pc for this session.
     */
    /** What {@link #cfiAt} found: no module at the pc, a module whose CFI does not cover it, or CFI that does. */
    public enum CfiCoverage { NO_MODULE, NO_FDE, FDE }

    private final java.util.Map<Long, CfiCoverage> cfiCache = new java.util.HashMap<>();

    /**
     * Whether an FDE ({@code .eh_frame}, else {@code .debug_frame}) covers {@code pc}: what libdwfl's
     * unwinder looks for before it falls back to the frame pointer. A return address ({@code
     * activation} false) is looked up at the call instruction, as the unwinder does.
     */
    public CfiCoverage cfiAt(long pc, boolean activation) {
        long adj = activation ? pc : pc - 1;
        CfiCoverage hit = cfiCache.get(adj);
        if (hit != null) return hit;
        CfiCoverage c = CfiCoverage.NO_MODULE;
        Pointer mod = LibDw.dwfl_addrmodule(dwfl, adj);
        if (mod != null) {
            c = CfiCoverage.NO_FDE;
            long[] bias = new long[1];
            for (int k = 0; k < 2 && c == CfiCoverage.NO_FDE; k++) {
                Pointer cfi = k == 0 ? LibDw.dwfl_module_eh_cfi(mod, bias) : LibDw.dwfl_module_dwarf_cfi(mod, bias);
                if (cfi == null) continue;
                PointerByReference frame = new PointerByReference();
                if (LibDw.dwarf_cfi_addrframe(cfi, adj - bias[0], frame) == 0) {
                    Native.free(Pointer.nativeValue(frame.getValue()));
                    c = CfiCoverage.FDE;
                }
            }
        }
        cfiCache.put(adj, c);
        return c;
    }

    public List<ResolvedFrame> symbolize(long pc, boolean activation) {
        long key = activation ? pc : ~pc;
        List<ResolvedFrame> hit = symbolCache.get(key);
        if (hit != null) return hit;
        List<ResolvedFrame> rows = resolve(pc, activation);
        symbolCache.put(key, rows);
        return rows;
    }

    private List<ResolvedFrame> resolve(long pc, boolean activation) {
        // A return address points after the call; look up the call instruction itself.
        long adj = activation ? pc : pc - 1;
        Pointer mod = LibDw.dwfl_addrmodule(dwfl, adj);
        if (mod == null) {
            return List.of(new ResolvedFrame(Optional.empty(), Optional.empty(), 0, Optional.empty(), OptionalInt.empty(), false));
        }
        Optional<String> module = Optional.of(moduleName(mod));
        long[] off = new long[1];
        byte[] sym = new byte[24];
        Pointer namePtr = LibDw.dwfl_module_addrinfo(mod, adj, off, sym, null, null, null);
        Optional<String> function = namePtr == null ? Optional.empty() : Optional.of(Demangler.demangle(namePtr.getString(0)));
        long offset = namePtr == null ? 0 : off[0] + (pc - adj);
        if (namePtr == null) {
            // a stub of the procedure linkage table (a step into a library call lands there): puts@plt, as gdb says
            Optional<Map.Entry<String, Long>> stub = pltStubs(mod).pltStub(adj);
            if (stub.isPresent()) {
                function = Optional.of(stub.get().getKey());
                offset = stub.get().getValue() + (pc - adj);
            }
        }

        Optional<String> file = Optional.empty();
        OptionalInt line = OptionalInt.empty();
        Pointer l = sourceLines ? LibDw.dwfl_module_getsrc(mod, adj) : null;
        if (l != null) {
            int[] ln = new int[1];
            Pointer f = LibDw.dwfl_lineinfo(l, null, ln, null, null, null);
            if (f != null) {
                file = Optional.of(f.getString(0));
                if (ln[0] > 0) line = OptionalInt.of(ln[0]);
            }
        }
        List<InlineIndex.Inline> inlines = inlineChain(mod, adj);
        if (inlines.isEmpty()) {
            return List.of(new ResolvedFrame(module, function, offset, file, line, false));
        }
        // Rows innermost first: each inlined call shows where execution is inside it; the row
        // outside it shows the call site (DW_AT_call_file/line of the inlined DIE).
        List<ResolvedFrame> rows = new ArrayList<>(inlines.size() + 1);
        Optional<String> rowFile = file;
        OptionalInt rowLine = line;
        for (InlineIndex.Inline in : inlines) {
            rows.add(new ResolvedFrame(module, in.function(), 0, rowFile, rowLine, true));
            rowFile = in.callFile();
            rowLine = in.callLine();
        }
        rows.add(new ResolvedFrame(module, function, offset, rowFile, rowLine, false));
        return List.copyOf(rows);
    }

    /**
     * The inlined calls at {@code adj}, innermost first. As eu-stack does: {@code dwarf_getscopes}
     * finds the innermost function-like DIE at the pc, then {@code dwarf_getscopes_die} walks its
     * concrete parents (getscopes alone jumps into the abstract origin and loses the chain).
     */
    private List<InlineIndex.Inline> inlineChain(Pointer mod, long adj) {
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, adj, bias);
        if (cudie == null) return List.of();
        PointerByReference scopesRef = new PointerByReference();
        int n = LibDw.dwarf_getscopes(cudie, adj - bias[0], scopesRef);
        if (n <= 0 || scopesRef.getValue() == null) return List.of();
        Pointer scopes = scopesRef.getValue();
        Pointer chain = null;
        try {
            Pointer innermost = null;
            for (int i = 0; i < n && innermost == null; i++) {
                Pointer die = scopes.share((long) i * LibDw.SIZEOF_DWARF_DIE);
                int tag = LibDw.dwarf_tag(die);
                if (tag == LibDw.DW_TAG_subprogram) return List.of();
                if (tag == LibDw.DW_TAG_inlined_subroutine) innermost = die;
            }
            if (innermost == null) return List.of();
            PointerByReference chainRef = new PointerByReference();
            int m = LibDw.dwarf_getscopes_die(innermost, chainRef);
            if (m <= 0 || chainRef.getValue() == null) return List.of();
            chain = chainRef.getValue();
            List<InlineIndex.Inline> out = new ArrayList<>();
            Pointer[] files = new Pointer[1];
            Memory attr = new Memory(LibDw.SIZEOF_DWARF_ATTRIBUTE);
            for (int i = 0; i < m; i++) {
                Pointer die = chain.share((long) i * LibDw.SIZEOF_DWARF_DIE);
                int tag = LibDw.dwarf_tag(die);
                if (tag == LibDw.DW_TAG_subprogram) break;
                if (tag != LibDw.DW_TAG_inlined_subroutine) continue;
                out.add(InlineIndex.describe(die, cudie, files, attr));
            }
            return out;
        } finally {
            Posix.free(scopes);
            if (chain != null) Posix.free(chain);
        }
    }

    /** The PLT stubs of a module's own file, read once per module. */
    private DwflSymbols.PltIndex pltStubs(Pointer mod) {
        return pltIndex.computeIfAbsent(Pointer.nativeValue(mod), k -> {
            PointerByReference main = new PointerByReference();
            LibDw.dwfl_module_info(mod, null, null, null, null, null, main, null);
            long[] bias = new long[1];
            if (main.getValue() == null || LibDw.dwfl_module_getelf(mod, bias) == null) return DwflSymbols.PltIndex.NONE;
            java.nio.file.Path file = java.nio.file.Path.of(main.getValue().getString(0));
            if (!java.nio.file.Files.isRegularFile(file)) return DwflSymbols.PltIndex.NONE;
            return new DwflSymbols.PltIndex(file, bias[0]);
        });
    }

    private String moduleName(Pointer mod) {
        return moduleNames.computeIfAbsent(Pointer.nativeValue(mod), k -> {
            Pointer name = LibDw.dwfl_module_info(mod, null, null, null, null, null, null, null);
            String n = name == null ? "?" : name.getString(0);
            int slash = n.lastIndexOf('/');
            return slash >= 0 ? n.substring(slash + 1) : n;
        });
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        LibDw.dwfl_end(dwfl);
        if (elf != null) LibElf.elf_end(elf);
        if (fd >= 0) Posix.close(fd);
    }

    /**
     * Loads JNA and libdw on background threads, for a short command that will need them soon.
     * Their first load is mostly one-time work of the JVM that JNA sets off: java.util.logging's
     * start (JNA logs through it), on a thread of its own, and the layout of JNA's own structures,
     * whose annotation read {@link JnaWarmup} spares; the registration of libdw's functions follows.
     * The future gives {@link #unavailableReason()}'s answer.
     */
    public static java.util.concurrent.Future<Optional<String>> preload() {
        Thread logging = new Thread(() -> java.util.logging.Logger.getLogger(com.sun.jna.Native.class.getName()), "sextant-preload-logging");
        java.util.concurrent.FutureTask<Optional<String>> bound = new java.util.concurrent.FutureTask<>(() -> {
            JnaWarmup.seedFieldOrder();
            return unavailableReason();
        });
        Thread jna = new Thread(bound, "sextant-preload");
        for (Thread t : new Thread[] {logging, jna}) {
            t.setDaemon(true);
            t.start();
        }
        return bound;
    }

    /** Loads libdw and libelf now; a missing library becomes a message that says what to install. */
    public static Optional<String> unavailableReason() {
        try {
            LibElf.elf_version(LibElf.EV_CURRENT);
            LibDw.dwfl_errno();
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("elfutils' libdw.so.1 could not be loaded (" + e.getMessage()
                    + "); install it with: sudo apt-get install libdw1");
        }
    }

}
