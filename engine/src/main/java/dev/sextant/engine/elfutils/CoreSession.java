package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A libdwfl session over a crash dump: an ELF core, or a minidump's modules reported by address. */
public final class CoreSession extends ElfSession {

    private final List<String> rejected;

    private CoreSession(Dwfl dwfl) { this(dwfl, List.of()); }

    private CoreSession(Dwfl dwfl, List<String> rejected) {
        super(dwfl);
        this.rejected = rejected;
    }

    /** Opens a core: modules from the core's notes and memory, threads and memory as libdwfl reads them. */
    public static CoreSession open(Path core, Optional<Path> executable, ElfLocator locator) {
        return open(core, executable, locator, Optional.empty(), 0, Optional.empty(), null);
    }

    /**
     * Opens a core. With {@code threads}, Sextant serves threads and memory: libdwfl's own core reader
     * scans every PT_LOAD on each word it reads, which costs O(threads) per read. With {@code search},
     * Sextant's separate-debug-file search replaces libdwfl's; without it, libdwfl's standard search
     * runs and {@code debugFileSubstitute} (when not null) may name another file to read in place of
     * the one it found. The core's notes are read here; {@link #open(Path, CoreFile, Optional,
     * ElfLocator, Optional, int, Optional, UnaryOperator)} takes them read.
     */
    public static CoreSession open(Path core, Optional<Path> executable, ElfLocator locator, Optional<ThreadSource> threads,
                                   int pid, Optional<DebugInfoSearch> search, UnaryOperator<Path> debugFileSubstitute) {
        // The modules are Sextant's (CoreModules, from NT_FILE), as for the engine's own session; a core
        // without NT_FILE is left to dwfl_core_file_report, with --exe checked before libdwfl sees it.
        Optional<CoreFile> notes;
        try {
            notes = Optional.of(CoreFile.open(core));
        } catch (IOException | FormatException e) {
            notes = Optional.empty();       // libdwfl's own reading says what is wrong
        }
        return open(core, notes, executable, locator, threads, pid, search, debugFileSubstitute);
    }

    /**
     * As above, with the core's notes already read. The modules are those of {@link CoreModules}
     * (the mapped files and the vDSO), reported by Sextant; every file offered for one (the path in
     * the core, {@code locator}'s candidates, the build-id directory) is checked by
     * {@link ModuleFileCheck} first, and a file refused is named in {@link #rejectedFiles()}.
     * Relative names never resolve against the current directory.
     */
    public static CoreSession open(Path core, Optional<CoreFile> notes, Optional<Path> executable, ElfLocator locator,
                                   Optional<ThreadSource> threads, int pid, Optional<DebugInfoSearch> search,
                                   UnaryOperator<Path> debugFileSubstitute) {
        return open(core, notes.map(n -> CoreModules.of(core, n)).orElse(new CoreModules(List.of(), null)), executable, locator,
                threads, pid, search, debugFileSubstitute);
    }

    private static CoreSession open(Path core, CoreModules modules, Optional<Path> executable, ElfLocator locator,
                                    Optional<ThreadSource> threads, int pid, Optional<DebugInfoSearch> search,
                                    UnaryOperator<Path> debugFileSubstitute) {
        List<String> rejected = new ArrayList<>();
        ModuleCandidates candidates = new ModuleCandidates(modules, executable, locator, rejected);
        Map<String, byte[]> images = new HashMap<>();
        for (CoreModules.Entry e : modules.modules()) e.image().ifPresent(i -> images.putIfAbsent(e.name(), i));
        List<Dwfl.ReportedModuleSpec> specs = modules.reported().stream()
                .map(m -> new Dwfl.ReportedModuleSpec(m.name(), m.start(), m.end(), m.buildId())).toList();
        return new CoreSession(Dwfl.openCore(core, specs.isEmpty() ? executable.filter(candidates::acceptExecutable) : Optional.empty(),
                specs, images, candidates::of, threads.map(ThreadServing::of), pid,
                DebugFileRules.of(search, debugFileSubstitute)), rejected);
    }

    /**
     * Files offered for this core's modules and refused ({@link ModuleFileCheck}): one line each,
     * naming the module, the file, the rule that offered it and why, for a diagnostic. Grows as
     * libdwfl looks for files (lazily, as frames need them).
     */
    public List<String> rejectedFiles() { return List.copyOf(rejected); }

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
