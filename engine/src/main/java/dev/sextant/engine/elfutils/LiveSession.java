package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.Dwfl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A libdwfl session over a live process: modules from /proc/PID/maps, which {@link #refreshModules} follows. */
public final class LiveSession extends ElfSession {

    private LiveSession(Dwfl dwfl) { super(dwfl); }

    /**
     * Opens a session on a live process that the caller already traces and has stopped, with thread
     * state served by {@code process}, so libdwfl never attaches a second time (it would fail: a task
     * has one tracer). Every call, callbacks included, happens on the calling thread.
     * {@code debugFileSubstitute} (when not null) names a file to read in place of the debug file
     * libdwfl's search found.
     */
    public static LiveSession open(int pid, LiveProcess process, UnaryOperator<Path> debugFileSubstitute) {
        return new LiveSession(Dwfl.openLive(pid, ThreadServing.of(process), DebugFileRules.of(Optional.empty(), debugFileSubstitute)));
    }

    /** As {@link #open(int, LiveProcess, UnaryOperator)} with libdwfl's debug-file search alone. */
    public static LiveSession open(int pid, LiveProcess process) {
        return open(pid, process, null);
    }

    /**
     * As {@link #open(int, LiveProcess, UnaryOperator)}, with libdwfl reading the stopped process
     * itself (no attach of its own; registers through ptrace and memory through
     * {@code process_vm_readv} with its page cache, from the calling thread, which must be the
     * tracer's). Much faster than serving every word through a callback; frames cannot be stepped by
     * Sextant's dynamic tables.
     */
    public static LiveSession openStopped(int pid, UnaryOperator<Path> debugFileSubstitute) {
        return new LiveSession(Dwfl.openLiveStopped(pid, DebugFileRules.of(Optional.empty(), debugFileSubstitute)));
    }

    /**
     * A symbols-only session: the process's modules, no thread state, so it needs no ptrace and may
     * live on a thread other than the tracer's.
     */
    public static LiveSession openModules(int pid, Optional<DebugInfoSearch> search) {
        return new LiveSession(Dwfl.openProcess(pid, DebugFileRules.of(search, null)));
    }

    /**
     * The process's modules: libdwfl reports every mapped file as one (locale files, ld.so's cache,
     * gconv's cache, a program's own data files), as {@code eu-unstrip -n -p} lists them; only those
     * that are ELF images are modules here.
     */
    @Override public List<ModuleReport> modules() {
        List<ModuleReport> out = new ArrayList<>(super.modules());
        out.removeIf(m -> m.buildId().isEmpty() && !isElfOrNotAFile(m.name()));
        return out;
    }

    /** False only for a regular file that is there and does not start with ELF's magic. */
    private static boolean isElfOrNotAFile(String name) {
        if (!name.startsWith("/")) return true;        // the vDSO, [heap]...: not a file
        Path p = Path.of(name);
        if (!Files.isRegularFile(p)) return true;       // deleted or replaced since: no way to tell
        try (InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return true;
        }
    }

    /** Re-reads the module list (after a dlopen or dlclose); what was learnt of the modules is dropped. */
    public void refreshModules(int pid) {
        dwfl.refreshModules(pid);
        symbolizer.forgetModules();
    }

    /** Unwinds one thread: its pcs, innermost first, at most {@code max}. */
    public long[] unwindThread(int tid, int max) { return dwfl.unwindThread(tid, max); }
}
