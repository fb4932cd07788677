package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.sextant.engine.api.NativeCallException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One {@code Dwfl*} session, translated: {@code dwfl_begin} with Sextant's {@code find_elf} and
 * {@code find_debuginfo} hooks, module reporting (core, live process, modules by address), thread
 * state served through {@code dwfl_attach_state}, the frame walk and module lookups. No policy (names,
 * caches, substitutions): the {@code elfutils} package makes sessions of it. Not thread-safe
 * (libdwfl is not): every call comes from the thread that owns the target. Failures of libdwfl calls
 * become {@link NativeCallException} with {@code dwfl_errmsg}'s text. No {@code Pointer} leaves this
 * package.
 */
public final class Dwfl implements AutoCloseable {

    static {
        noDownloadsOfItsOwn();
    }

    /**
     * libdwfl's own debuginfod client finds no server. libdwfl loads libdebuginfod with itself, and
     * a session that misses a debug file asks the servers {@code DEBUGINFOD_URLS} names at that
     * moment: a download outside the symbol path, without progress or cancel, on whatever thread
     * asked (the engine thread, reading variables, held the window's events for the length of one).
     * Downloads are the symbol handler's, through {@link DebuginfodClient}, which names its servers
     * only while its own request starts. The JVM's copy of the environment, which
     * {@code SymbolPath.defaults} reads, keeps the user's servers.
     */
    private static void noDownloadsOfItsOwn() {
        try {
            DebuginfodClient.clearServers();
        } catch (LinkageError noLibc) {
            // nothing to clear where libc cannot be called
        }
    }

    private final int fd;
    private final Pointer elf;
    final Pointer dwfl;
    private final Memory callbacks;          // libdwfl keeps a pointer to this struct: it must live as long as dwfl
    private final LibDw.FindElf findElf;     // strong references: the native side holds only the function pointers
    private final LibDw.FindDebuginfo findDebuginfo;
    private final Map<String, String> foundBy = new ConcurrentHashMap<>();
    /** Module images Sextant read (the vDSO's, from the core's memory) by module name; each {@code Memory} lives as long as the session. */
    private final Map<String, byte[]> images;
    private final List<Memory> imageMemory = new ArrayList<>();
    /** Whether the locator's candidates are tried before libdwfl's own build-id search (a core's modules, reported by Sextant). */
    private final boolean locatorFirst;
    private ThreadState threadState;         // when Sextant serves threads and memory
    private boolean closed;
    private Optional<String> threadsUnavailable = Optional.empty();

    /** {@code locator}: candidate files (rule name, path) for a module libdwfl's build-id search misses; null for /proc's finder. */
    private Dwfl(int fd, Pointer elf, Function<String, List<Map.Entry<String, Path>>> locator, Optional<DebuginfoHook> hook) {
        this(fd, elf, locator, Map.of(), false, hook);
    }

    private Dwfl(int fd, Pointer elf, Function<String, List<Map.Entry<String, Path>>> locator, Map<String, byte[]> images,
                 boolean locatorFirst, Optional<DebuginfoHook> hook) {
        this.fd = fd;
        this.elf = elf;
        this.images = images;
        this.locatorFirst = locatorFirst;
        this.findElf = locator == null ? null : findElf(locator);
        this.findDebuginfo = hook.map(DebuginfoCallback::of).orElse(null);
        this.callbacks = new Memory(4L * Native.POINTER_SIZE);
        callbacks.clear();
        callbacks.setPointer(0, findElf != null ? DirectCallbacks.pointer(findElf) : LibDw.DW.getFunction("dwfl_linux_proc_find_elf"));
        callbacks.setPointer(Native.POINTER_SIZE, findDebuginfo != null ? DirectCallbacks.pointer(findDebuginfo)
                : LibDw.DW.getFunction("dwfl_standard_find_debuginfo"));
        this.dwfl = LibDw.dwfl_begin(callbacks);
        if (dwfl == null) throw dwflError("dwfl_begin");
    }

    private LibDw.FindElf findElf(Function<String, List<Map.Entry<String, Path>>> locator) {
        return (mod, userdata, modname, base, fileName, elfp) -> {
            String name = modname == null ? "" : modname.getString(0);
            byte[] image = images.get(name);
            if (image != null) return fromImage(name, image, elfp);
            if (!locatorFirst) {
                int found = LibDw.dwfl_build_id_find_elf(mod, userdata, modname, base, fileName, elfp);
                if (found >= 0 || elfp.getPointer(0) != null) {
                    foundBy.put(name, "build-id or path in core");
                    return found;
                }
            }
            List<Map.Entry<String, Path>> candidates;
            try {
                candidates = locator.apply(name);
            } catch (RuntimeException e) {
                return -1;          // never unwind through libdwfl's frames
            }
            for (Map.Entry<String, Path> c : candidates) {
                int f = Posix.open(c.getValue().toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
                if (f < 0) continue;
                if (locatorFirst) {
                    // Read, not mapped: a file that shrinks under a mapping faults (SIGBUS) in libelf.
                    Pointer e = LibElf.elf_begin(f, LibElf.ELF_C_READ, null);
                    if (e == null) {
                        Posix.close(f);
                        continue;
                    }
                    elfp.setPointer(0, e);
                }
                fileName.setPointer(0, Posix.strdup(c.getValue().toString()));   // libdwfl frees it
                foundBy.put(name, c.getKey());
                return f;
            }
            if (locatorFirst) {
                // debuginfod's copy of the executable, when configured (build-id directories were among the candidates)
                int found = LibDw.dwfl_build_id_find_elf(mod, userdata, modname, base, fileName, elfp);
                if (found >= 0 || elfp.getPointer(0) != null) {
                    foundBy.put(name, "build-id");
                    return found;
                }
            }
            return -1;
        };
    }

    /** An image Sextant read, as an {@code Elf} of {@code elf_memory} (libdwfl ends it; the bytes stay with this session). */
    private int fromImage(String name, byte[] image, Pointer elfp) {
        Memory m = new Memory(image.length);
        m.write(0, image, 0, image.length);
        Pointer e = LibElf.elf_memory(m, image.length);
        if (e == null) return -1;
        imageMemory.add(m);
        elfp.setPointer(0, e);
        foundBy.put(name, "the core's memory");
        return -1;
    }

    /** A session on a live process's modules ({@code dwfl_linux_proc_report}, libdwfl's /proc finder), no thread state. */
    public static Dwfl openProcess(int pid, Optional<DebuginfoHook> hook) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        Dwfl d = new Dwfl(-1, null, null, hook);
        try {
            d.reportProcess(pid);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** As {@link #openProcess}, with threads, registers and memory served by {@code threads} ({@code dwfl_attach_state}). */
    public static Dwfl openLive(int pid, ThreadCallbacks threads, Optional<DebuginfoHook> hook) {
        Dwfl d = openProcess(pid, hook);
        try {
            d.attachState(threads, pid, 8);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /**
     * As {@link #openProcess}, with libdwfl reading the stopped process itself
     * ({@code dwfl_linux_proc_attach} with {@code assume_ptrace_stopped}: no attach of its own).
     */
    public static Dwfl openLiveStopped(int pid, Optional<DebuginfoHook> hook) {
        Dwfl d = openProcess(pid, hook);
        try {
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
     * A core: {@code elf_begin}, {@code dwfl_core_file_report}, {@code dwfl_report_end}, then threads
     * from {@code dwfl_core_file_attach} or, when {@code threads} is given, from Sextant.
     */
    public static Dwfl openCore(Path core, Optional<Path> executable, Function<String, List<Map.Entry<String, Path>>> locator,
                                Optional<ThreadCallbacks> threads, int pid, Optional<DebuginfoHook> hook) {
        return openCore(core, executable, List.of(), Map.of(), locator, threads, pid, hook);
    }

    /**
     * A core. The core is read, never mapped (a mapped file that shrinks while it is read, a core
     * rewritten or rotated, faults with SIGBUS inside libelf). With {@code modules}, those are
     * reported ({@code dwfl_report_module} with their build-ids) and libdwfl opens no file of its
     * own: {@code find_elf} takes {@code images} (by module name, read with {@code elf_memory}), then
     * {@code locator}'s candidates, read without mapping. Without, {@code dwfl_core_file_report}
     * finds the modules, given {@code executable}. Threads come from {@code dwfl_core_file_attach},
     * or, when {@code threads} is given, from Sextant.
     */
    public static Dwfl openCore(Path core, Optional<Path> executable, List<ReportedModuleSpec> modules, Map<String, byte[]> images,
                                Function<String, List<Map.Entry<String, Path>>> locator,
                                Optional<ThreadCallbacks> threads, int pid, Optional<DebuginfoHook> hook) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        int fd = Posix.open(core.toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
        if (fd < 0) throw new NativeCallException("open", Native.getLastError(), "cannot open " + core);
        Pointer elf = LibElf.elf_begin(fd, LibElf.ELF_C_READ, null);
        if (elf == null) {
            int e = LibElf.elf_errno();
            Posix.close(fd);
            throw new NativeCallException("elf_begin", e, LibElf.elf_errmsg(e));
        }
        Dwfl d;
        try {
            d = new Dwfl(fd, elf, locator, images, !modules.isEmpty(), hook);
        } catch (RuntimeException e) {
            LibElf.elf_end(elf);
            Posix.close(fd);
            throw e;
        }
        try {
            if (modules.isEmpty()) {
                if (LibDw.dwfl_core_file_report(d.dwfl, elf, executable.map(Path::toString).orElse(null)) < 0) {
                    throw dwflError("dwfl_core_file_report");
                }
            } else {
                LibDw.dwfl_report_begin(d.dwfl);
                // a range that overlaps one reported before is dropped: libdwfl keeps the first
                for (ReportedModuleSpec m : modules) d.reportModule(m.name(), m.start(), m.end(), m.buildId());
            }
            if (LibDw.dwfl_report_end(d.dwfl, null, null) != 0) throw dwflError("dwfl_report_end");
            if (threads.isPresent()) {
                d.attachState(threads.get(), pid, is64(elf) ? 8 : 4);
            } else if (LibDw.dwfl_core_file_attach(d.dwfl, elf) < 0) {
                // libdwfl reads a core's threads only where it has an unwinder for the architecture
                // (elfutils 0.188 has none for MIPS): keep the modules and symbols, and say why.
                d.threadsUnavailable = Optional.of(dwflError("dwfl_core_file_attach").getMessage());
            }
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** A module to report by address: its name, range and build-id (empty: none known). */
    public record ReportedModuleSpec(String name, long start, long end, Optional<byte[]> buildId) {}

    /**
     * Why libdwfl holds no threads of this core (it cannot unwind its architecture), or empty: then
     * only symbols are served, and each thread's stack is its frame 0 from the core's registers.
     */
    public Optional<String> threadsUnavailable() { return threadsUnavailable; }

    /** A session to which modules are reported by address ({@link #reportModule}), then threads served by Sextant. */
    public static Dwfl openEmpty(Function<String, List<Map.Entry<String, Path>>> locator, Optional<DebuginfoHook> hook) {
        LibElf.elf_version(LibElf.EV_CURRENT);
        Dwfl d = new Dwfl(-1, null, locator, hook);
        LibDw.dwfl_report_begin(d.dwfl);
        return d;
    }

    /**
     * {@code dwfl_report_module}, with {@code dwfl_module_report_build_id} when a build-id is given
     * (libdwfl then takes only a file with it). False when the range overlaps one reported before.
     */
    public boolean reportModule(String name, long start, long end, Optional<byte[]> buildId) {
        Pointer mod = LibDw.dwfl_report_module(dwfl, name, start, end);
        if (mod == null) return false;
        if (buildId.isPresent() && buildId.get().length > 0) {
            LibDw.dwfl_module_report_build_id(mod, buildId.get(), buildId.get().length, 0);
        }
        return true;
    }

    /** Ends {@link #reportModule}'s reports and attaches {@code threads} (no ELF: the backend comes from the first module found). */
    public void endReport(ThreadCallbacks threads, int pid, int wordSize) {
        if (LibDw.dwfl_report_end(dwfl, null, null) != 0) throw dwflError("dwfl_report_end");
        attachState(threads, pid, wordSize);
    }

    private void attachState(ThreadCallbacks threads, int pid, int wordSize) {
        threadState = new ThreadState(threads, wordSize);
        if (LibDw.dwfl_attach_state(dwfl, elf, pid, threadState.struct, null) == 0) throw dwflError("dwfl_attach_state");
    }

    /** Re-reads the module list from /proc/PID/maps (after a dlopen or dlclose). */
    public void refreshModules(int pid) {
        reportProcess(pid);
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

    /** Every reported module ({@code dwfl_getmodules}), in libdwfl's order. */
    public List<DwflModule> modules() {
        List<DwflModule> mods = new ArrayList<>();
        LibDw.ModuleCallback cb = (module, userdata, name, start, arg) -> {
            mods.add(new DwflModule(module));
            return LibDw.DWARF_CB_OK;
        };
        LibDw.dwfl_getmodules(dwfl, cb, null, 0);
        return mods;
    }

    /** The module containing {@code address} ({@code dwfl_addrmodule}). */
    public Optional<DwflModule> moduleAt(long address) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl, address);
        return mod == null ? Optional.empty() : Optional.of(new DwflModule(mod));
    }

    /** Whether some module contains {@code address}. */
    public boolean hasModule(long address) {
        return LibDw.dwfl_addrmodule(dwfl, address) != null;
    }

    /** Which rule of the {@code find_elf} hook found module {@code name}'s file, if it ran. */
    public Optional<String> foundBy(String name) {
        return Optional.ofNullable(foundBy.get(name));
    }

    /** Unwinds one thread ({@code dwfl_getthread_frames}): its pcs, innermost first, at most {@code max}. */
    public long[] unwindThread(int tid, int max) {
        long[] pcs = new long[max];
        int[] count = new int[1];
        long[] pc = new long[1];
        byte[] isAct = new byte[1];
        LibDw.RawFrameCallback cb = (frame, arg) -> {
            if (LibDw.dwfl_frame_pc(frame, pc, isAct) == 0) return LibDw.DWARF_CB_ABORT;
            pcs[count[0]++] = pc[0];
            return count[0] >= max ? LibDw.DWARF_CB_ABORT : LibDw.DWARF_CB_OK;
        };
        LibDw.dwfl_getthread_frames(dwfl, tid, DirectCallbacks.pointer(cb), null);
        java.lang.ref.Reference.reachabilityFence(cb);
        return java.util.Arrays.copyOf(pcs, count[0]);
    }

    /** Whether {@link FrameWalk.Next.Restart} works here: Sextant serves the thread state and libdw has {@code dwfl_frame_reg}. */
    public boolean canRestartFrames() {
        return threadState != null && FrameRegisters.AVAILABLE;
    }

    /** Whether this libdw has {@code dwfl_frame_reg} (elfutils 0.188): an unwound frame's registers can be read. */
    public static boolean frameRegistersAvailable() {
        return FrameRegisters.AVAILABLE;
    }

    /**
     * Walks every thread ({@code dwfl_getthreads}, {@code dwfl_thread_getframes}) in libdwfl's order,
     * handing each frame to {@code walk}. A {@link FrameWalk.Next.Restart} cuts the walk and starts it
     * again from the given registers (libdwfl has no hook to step one frame by other rules).
     */
    public void walkThreads(FrameWalk walk) {
        new ThreadWalk(this, walk, threadState).run();
    }

    /**
     * Walks one thread ({@code dwfl_getthread_frames}) as {@link #walkThreads} walks each: every frame
     * to {@code walk}, restarts included. Nothing is reported when libdwfl has no such thread.
     */
    public void walkThread(int tid, FrameWalk walk) {
        new ThreadWalk(this, walk, threadState).runOne(tid);
    }

    /** Whether this libdw can read an unwound frame's registers ({@code dwfl_frame_reg}, elfutils 0.188), in any session. */
    public static boolean canReadFrameRegisters() {
        return FrameRegisters.AVAILABLE;
    }

    /** A {@code dwfl_*} failure as an exception with libdwfl's message. */
    static NativeCallException dwflError(String call) {
        int e = LibDw.dwfl_errno();
        String msg = LibDw.dwfl_errmsg(e);
        return new NativeCallException(call, e, msg == null ? "unknown libdwfl error" : msg);
    }

    /**
     * Why a walk stopped, in words a user can act on, with libdwfl's own message after it:
     * {@code dwfl_errmsg} says "Callback returned failure" when a memory read failed (the dump does
     * not hold the stack the next frame needs) and "invalid operation" / "No DWARF information
     * found" when there is no usable unwind information for the last frame's code.
     */
    static String explainStop(String message, java.util.OptionalLong lastPc) {
        String m = message == null ? "unknown error" : message;
        String at = lastPc.isPresent() ? " after 0x" + Long.toHexString(lastPc.getAsLong()) : "";
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        String plain;
        if (lower.contains("callback returned failure")) {
            plain = "the unwinder needed memory that cannot be read" + at + " (stack or saved registers outside the dump's memory: a"
                    + " truncated or filtered core, or a corrupt stack pointer)";
        } else if (lower.contains("invalid operation") || lower.contains("no dwarf information") || lower.contains("no cfi")) {
            plain = "no unwind information for the code" + at + " (no CFI in its module, or an expression the unwinder cannot"
                    + " evaluate), and the frame pointer gave no caller";
        } else if (lower.contains("invalid register")) {
            plain = "the unwind information" + at + " names a register the dump does not hold";
        } else {
            return "the walk stopped" + at + ": " + m;
        }
        return plain + " (libdwfl: " + m + ")";
    }

    private static boolean is64(Pointer elf) {
        Pointer ident = LibElf.elf_getident(elf, null);
        return ident != null && ident.getByte(4) == 2;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        LibDw.dwfl_end(dwfl);
        if (elf != null) LibElf.elf_end(elf);
        if (fd >= 0) Posix.close(fd);
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
