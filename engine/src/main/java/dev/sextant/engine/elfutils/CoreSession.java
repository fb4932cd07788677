package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.Dwfl;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A libdwfl session over a crash dump: an ELF core, or a minidump's modules reported by address. */
public final class CoreSession extends ElfSession {

    private CoreSession(Dwfl dwfl) { super(dwfl); }

    /** Opens a core: modules from the link map and NT_FILE, threads and memory as libdwfl reads them. */
    public static CoreSession open(Path core, Optional<Path> executable, ElfLocator locator) {
        return open(core, executable, locator, Optional.empty(), 0, Optional.empty(), null);
    }

    /**
     * Opens a core. With {@code threads}, Sextant serves threads and memory: libdwfl's own core reader
     * scans every PT_LOAD on each word it reads, which costs O(threads) per read. With {@code search},
     * Sextant's separate-debug-file search replaces libdwfl's; without it, libdwfl's standard search
     * runs and {@code debugFileSubstitute} (when not null) may name another file to read in place of
     * the one it found.
     */
    public static CoreSession open(Path core, Optional<Path> executable, ElfLocator locator, Optional<ThreadSource> threads,
                                   int pid, Optional<DebugInfoSearch> search, UnaryOperator<Path> debugFileSubstitute) {
        return new CoreSession(Dwfl.openCore(core, executable, locator::candidates, threads.map(ThreadServing::of), pid,
                DebugFileRules.of(search, debugFileSubstitute)));
    }

    /**
     * A session over modules reported by address (libdwfl takes only a file with the given build-id)
     * and threads and memory served by Sextant. Files are searched by build-id (debug directories,
     * debuginfod), then among {@code locator}'s candidates. Fails when no module's file is found:
     * there is nothing to unwind with.
     */
    public static CoreSession openModules(List<ReportedModule> modules, ElfLocator locator, ThreadSource threads, int pid,
                                          int wordSize, Optional<DebugInfoSearch> search) {
        Dwfl d = Dwfl.openEmpty(locator::candidates, DebugFileRules.of(search, null));
        try {
            for (ReportedModule m : modules) {
                // a range that overlaps one reported before is dropped: libdwfl keeps the first
                if (Long.compareUnsigned(m.end(), m.start()) > 0) d.reportModule(m.name(), m.start(), m.end(), m.buildId());
            }
            d.endReport(ThreadServing.of(threads), pid, wordSize);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return new CoreSession(d);
    }
}
