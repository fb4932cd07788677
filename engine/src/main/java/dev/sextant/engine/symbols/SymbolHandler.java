package dev.sextant.engine.symbols;

import dev.sextant.engine.api.SearchStep;
import dev.sextant.engine.api.SymbolSource;
import dev.sextant.engine.api.AddressInfo;
import dev.sextant.engine.api.ModuleSymbols;
import dev.sextant.engine.api.SymbolMatch;
import dev.sextant.engine.elfutils.CoreSession;
import dev.sextant.engine.elfutils.LiveSession;
import dev.sextant.engine.elfutils.ElfLocator;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.elfutils.DebugInfoSearch;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.ElfSymbols;
import dev.sextant.engine.elfutils.InlineIndex;
import dev.sextant.engine.elfutils.ModuleReport;
import dev.sextant.engine.elfutils.ResolvedFrame;
import dev.sextant.engine.elfutils.RecoveredFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The symbol handler of one target (DbgHelp's {@code SymInitialize} … {@code SymCleanup}): the
 * symbol path, the options, deferred loads and the symbol callbacks. Its search is libdwfl's
 * {@code find_debuginfo}, so every step is Sextant's and told to the callbacks.
 * <p>
 * Confined to one thread, the engine thread that owns the target's libdwfl session (the first to
 * open a target; others get {@link IllegalStateException}): every method
 * but {@link #cancelLoads()} must be called there, and callbacks run there. Modules are listed when
 * the target is opened; with {@link SymbolOption#DEFERRED_LOADS} their symbols load when first needed
 * (a lookup, a search, a stack frame) or on demand ({@link #loadSymbols}, {@link #loadAll}).
 */
public final class SymbolHandler implements AutoCloseable {

    /**
     * Symbol-state changes the engine forwards as {@code ChangeSymbolState} ({@code PATHS},
     * {@code SYMBOL_OPTIONS}); the lead connects it to {@code api.EngineListener}. Engine thread.
     */
    public interface StateListener {
        default void pathsChanged(SymbolPath path) {}
        default void optionsChanged(Set<SymbolOption> options) {}
    }

    private record Registration(SymbolCallback callback, Object context) {}

    private static final class ModuleRecord {
        final String name;
        final long base, end;
        final Optional<String> buildId;
        Optional<String> file;
        SymbolStatus status = SymbolStatus.DEFERRED;
        Optional<SymbolSource> source = Optional.empty();
        Optional<String> symbolFile = Optional.empty();
        int symbols;
        boolean lines;
        Optional<String> reason = Optional.empty();
        DebugFileSearch.Result search;             // memo: libdwfl may ask twice (symtab, DWARF)
        SymbolTable table = new SymbolTable(ElfSymbols.Table.EMPTY);
        ElfSymbols.LineLookup lineLookup;         // of the current session: dropped when it closes
        ModuleRecord(ModuleReport r) {
            name = r.name(); base = r.start(); end = r.end(); buildId = r.buildId(); file = r.mainFile();
        }
        private String shortName;
        String shortName() {
            if (shortName == null) shortName = DebugFileSearch.shortName(name);
            return shortName;
        }
        ModuleSymbols snapshot() {
            return new ModuleSymbols(name, Address.of(base), Address.of(end), buildId, file, status, source, symbolFile,
                    symbols, lines, reason, search == null ? List.of() : search.steps());
        }
    }

    private final List<Registration> callbacks = new CopyOnWriteArrayList<>();
    private final List<StateListener> stateListeners = new CopyOnWriteArrayList<>();
    private final Map<Long, ModuleRecord> modules = new LinkedHashMap<>();
    private final List<ModuleRecord> pendingFinish = new ArrayList<>();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final DebugFileSearch search;
    private SymbolPath path;
    private Set<SymbolOption> options;
    private ElfSession dwfl;
    private InlineIndex inlines;
    private Path core;                 // null for a live process
    private Path coreFile;             // the file libdwfl reads: the core, or its decompressed copy
    private int pid;
    private Optional<Path> executable = Optional.empty();
    private int lastPercent = -1;
    private Thread owner;
    private ModuleRecord lastFound;    // lookups come in runs within one module
    private final Set<String> refusedSaid = new java.util.HashSet<>();   // of this target: a new session finds them again

    /** @param timeout debuginfod's connect/no-data timeout (the whole transfer may take ten times it) */
    public SymbolHandler(SymbolPath path, Set<SymbolOption> options, Duration timeout) {
        this.path = path;
        this.options = Set.copyOf(options);
        this.search = new DebugFileSearch(timeout);
    }

    public SymbolHandler(SymbolPath path, Set<SymbolOption> options) {
        this(path, options, timeoutFromEnvironment(System.getenv()));
    }

    /** {@code DEBUGINFOD_TIMEOUT} in seconds, else 10 s. */
    public static Duration timeoutFromEnvironment(Map<String, String> env) {
        try {
            long s = Long.parseLong(env.getOrDefault("DEBUGINFOD_TIMEOUT", "10").strip());
            return Duration.ofSeconds(Math.max(1, s));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(10);
        }
    }

    // ---- callbacks, options, path -------------------------------------------------------------

    /** {@code SymRegisterCallback64}: {@code userContext} is handed back on every call. */
    public void registerCallback(SymbolCallback callback, Object userContext) {
        callbacks.add(new Registration(callback, userContext));
    }

    public void unregisterCallback(SymbolCallback callback) {
        callbacks.removeIf(r -> r.callback == callback);
    }

    public void addStateListener(StateListener l) { stateListeners.add(l); }

    public Set<SymbolOption> options() { return options; }

    /** {@code SymSetOptions}: raises {@code SET_OPTIONS} and the {@code SYMBOL_OPTIONS} state change. */
    public void setOptions(Set<SymbolOption> newOptions) {
        checkThread();
        options = Set.copyOf(newOptions);
        raise(new SymbolEvent.SetOptions(options));
        stateListeners.forEach(l -> l.optionsChanged(options));
    }

    public SymbolPath path() { return path; }

    /** {@code SymSetSearchPath}: raises the {@code PATHS} state change; modules that failed may be retried. */
    public void setPath(SymbolPath newPath) {
        checkThread();
        path = newPath;
        message(Severity.INFO, Optional.empty(), "symbol path: " + newPath, OptionalInt.empty());
        stateListeners.forEach(l -> l.pathsChanged(newPath));
    }

    /** Asks running and later loads to stop; any thread may call it. Cleared when the next load starts. */
    public void cancelLoads() { cancelRequested.set(true); }

    // ---- target ---------------------------------------------------------------------------------

    /** Opens a core: modules are listed now; their symbols load now only without {@link SymbolOption#DEFERRED_LOADS}. */
    public List<ModuleSymbols> openCore(Path corePath, Optional<Path> exe) {
        return openCore(corePath, corePath, exe);
    }

    /**
     * As {@link #openCore(Path, Optional)} for a core read from {@code plain}, its decompressed copy
     * (a compressed core's, from the core cache); {@code corePath}, the name the user gave, is where
     * "beside the core" looks.
     */
    public List<ModuleSymbols> openCore(Path corePath, Path plain, Optional<Path> exe) {
        checkThread();
        closeSession(false);
        modules.clear();
        refusedSaid.clear();
        core = corePath;
        coreFile = plain;
        executable = exe;
        openSession();
        if (!options.contains(SymbolOption.DEFERRED_LOADS)) loadAll();
        return modules();
    }

    /**
     * Opens a live process for symbols only: modules from /proc/PID/maps, files read from disk (or
     * /proc/PID/map_files), no ptrace, so this may run on a thread other than the tracer's.
     */
    public List<ModuleSymbols> openProcess(int processId) {
        checkThread();
        closeSession(false);
        modules.clear();
        refusedSaid.clear();
        core = null;
        coreFile = null;
        pid = processId;
        executable = Optional.empty();
        openSession();
        if (!options.contains(SymbolOption.DEFERRED_LOADS)) loadAll();
        return modules();
    }

    /**
     * A live process's module list read again (after dlopen/dlclose): new modules are added as
     * deferred, modules gone are dropped (raising {@code SYMBOLS_UNLOADED} if they had symbols).
     * Returns the modules added and removed. Cores never change.
     */
    public Changes refreshModules() {
        checkThread();
        if (!(dwfl instanceof LiveSession live)) return new Changes(List.of(), List.of());
        live.refreshModules(pid);
        Map<Long, ModuleReport> now = new LinkedHashMap<>();
        for (ModuleReport r : dwfl.modules()) now.put(r.start(), r);
        List<ModuleSymbols> added = new ArrayList<>(), removed = new ArrayList<>();
        for (var it = modules.values().iterator(); it.hasNext(); ) {
            ModuleRecord m = it.next();
            ModuleReport r = now.get(m.base);
            if (r != null && r.name().equals(m.name)) continue;
            it.remove();
            removed.add(m.snapshot());
            if (m.status != SymbolStatus.DEFERRED) raise(new SymbolEvent.SymbolsUnloaded(m.name, Address.of(m.base)));
        }
        for (ModuleReport r : now.values()) {
            if (modules.containsKey(r.start())) continue;
            ModuleRecord m = new ModuleRecord(r);
            modules.put(r.start(), m);
            added.add(m.snapshot());
        }
        inlines = new InlineIndex(dwfl);
        return new Changes(added, removed);
    }

    /** What {@link #refreshModules} found: modules that appeared and that went away. */
    public record Changes(List<ModuleSymbols> added, List<ModuleSymbols> removed) {}

    private void openSession() {
        DebugInfoSearch s = this::findDebuginfo;
        if (core != null) {
            ElfLocator locator = modname -> candidates(modname);
            dwfl = CoreSession.open(coreFile, executable, locator, Optional.empty(), 0, Optional.of(s), null);
        } else {
            dwfl = LiveSession.openModules(pid, Optional.of(s));
        }
        inlines = new InlineIndex(dwfl);
        for (ModuleReport r : dwfl.modules()) {
            ModuleRecord known = modules.get(r.start());
            if (known == null) modules.put(r.start(), new ModuleRecord(r));
            else known.file = r.mainFile();
        }
        sayRefused();
    }

    /**
     * Files offered for a core's module and refused before libdwfl saw them (a relocatable object
     * with the module's build-id, another machine's library...), each said once as a warning: the
     * module's symbols are not read from them.
     */
    private void sayRefused() {
        if (!(dwfl instanceof CoreSession c)) return;
        for (String line : c.rejectedFiles()) {
            if (refusedSaid.add(line)) message(Severity.WARNING, Optional.empty(), line, OptionalInt.empty());
        }
    }

    private List<Map.Entry<String, Path>> candidates(String modname) {
        List<Map.Entry<String, Path>> out = new ArrayList<>();
        Path p = Path.of(modname);
        String base = p.getFileName() == null ? "" : p.getFileName().toString();
        executable.ifPresent(e -> {
            if (e.getFileName() != null && e.getFileName().toString().equals(base)) out.add(Map.entry("--exe", e));
        });
        if (!base.isEmpty() && !base.startsWith("[")) {
            Path dir = core.toAbsolutePath().getParent();
            if (dir != null) out.add(Map.entry("beside the core", dir.resolve(base)));
            executable.map(e -> e.toAbsolutePath().getParent()).ifPresent(d -> out.add(Map.entry("beside --exe", d.resolve(base))));
        }
        out.removeIf(e -> !Files.isRegularFile(e.getValue()));
        return out;
    }

    public List<ModuleSymbols> modules() {
        return modules.values().stream().map(ModuleRecord::snapshot).toList();
    }

    /** The module at {@code base}, or containing it. */
    public Optional<ModuleSymbols> module(Address address) {
        return find(address.value()).map(ModuleRecord::snapshot);
    }

    private Optional<ModuleRecord> find(long address) {
        ModuleRecord last = lastFound;
        if (last != null && Long.compareUnsigned(address, last.base) >= 0 && Long.compareUnsigned(address, last.end) < 0
                && modules.get(last.base) == last) {
            return Optional.of(last);
        }
        for (ModuleRecord m : modules.values()) {
            if (Long.compareUnsigned(address, m.base) >= 0 && Long.compareUnsigned(address, m.end) < 0) {
                lastFound = m;
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    // ---- loading --------------------------------------------------------------------------------

    /**
     * Loads (or, after a failure or a cancel, retries) the symbols of the module containing
     * {@code address}. A retry opens a fresh libdwfl session, since libdwfl remembers failures.
     */
    public ModuleSymbols loadSymbols(Address address) {
        checkThread();
        ModuleRecord m = find(address.value()).orElseThrow(() -> new IllegalArgumentException("no module at " + address));
        if (m.status == SymbolStatus.FAILED || m.status == SymbolStatus.CANCELLED || m.status == SymbolStatus.PARTIAL) {
            m.search = null;
            m.status = SymbolStatus.DEFERRED;
            closeSession(false);
            openSession();
        }
        ensureLoaded(m);
        return m.snapshot();
    }

    /** Loads every module's symbols that is still deferred. */
    public void loadAll() {
        checkThread();
        for (ModuleRecord m : List.copyOf(modules.values())) ensureLoaded(m);
    }

    /** {@code SymUnloadModule}: forgets what was found (raises {@code SYMBOLS_UNLOADED}); the next need loads again. */
    public void unload(Address address) {
        checkThread();
        ModuleRecord m = find(address.value()).orElseThrow(() -> new IllegalArgumentException("no module at " + address));
        boolean was = m.status != SymbolStatus.DEFERRED;
        m.search = null;
        m.status = SymbolStatus.DEFERRED;
        m.source = Optional.empty();
        m.symbolFile = Optional.empty();
        m.symbols = 0;
        m.lines = false;
        m.table = new SymbolTable(ElfSymbols.Table.EMPTY);
        m.reason = Optional.empty();
        // libdwfl keeps a module's files for the life of its session: start a new one.
        closeSession(false);
        openSession();
        if (was) raise(new SymbolEvent.SymbolsUnloaded(m.name, Address.of(m.base)));
    }

    private void ensureLoaded(ModuleRecord m) {
        if (m.status != SymbolStatus.DEFERRED) return;
        start(m);
        ElfSymbols.LoadResult r = ElfSymbols.load(dwfl, m.base, options.contains(SymbolOption.LOAD_LINES));
        finish(m, r);
        finishPending();
    }

    private void start(ModuleRecord m) {
        cancelRequested.set(false);
        lastPercent = -1;
        m.status = SymbolStatus.LOADING;
        raise(new SymbolEvent.DeferredLoadStart(m.name, Address.of(m.base), m.file, m.buildId));
    }

    /** libdwfl's {@code find_debuginfo}: runs on the engine thread, inside a libdwfl call. */
    private Optional<Path> findDebuginfo(DebugInfoSearch.Request r) {
        ModuleRecord m = modules.get(r.base());
        if (m == null) m = find(r.base()).orElse(null);
        if (m == null) return Optional.empty();
        if (m.search != null) return m.search.file();
        if (m.status == SymbolStatus.DEFERRED) {
            // Asked by libdwfl itself (unwinding needs .debug_frame): this is the first need.
            start(m);
            pendingFinish.add(m);
        }
        ModuleRecord rec = m;
        m.search = search.search(r, path, options, new DebugFileSearch.Sink() {
            @Override public void step(String module, String text) {
                if (options.contains(SymbolOption.DEBUG)) raise(new SymbolEvent.DebugInfo(Optional.of(module), text));
            }
            @Override public boolean progress(String module, long base, long done, long total) {
                int pct = total > 0 ? (int) Math.min(100, done * 100 / total) : -1;
                if (pct != lastPercent) {
                    lastPercent = pct;
                    message(Severity.INFO, Optional.of(module), "downloading debug info for " + module
                            + (total > 0 ? ": " + done + " of " + total + " bytes" : ": " + done + " bytes"),
                            pct >= 0 ? OptionalInt.of(pct) : OptionalInt.empty());
                }
                boolean cancel = cancelRequested.get();
                for (Registration reg : callbacks) {
                    if (call(reg, new SymbolEvent.DeferredLoadCancel(rec.name, Address.of(rec.base), done, total))) cancel = true;
                }
                return cancel;
            }
        });
        return m.search.file();
    }

    private void finishPending() {
        while (!pendingFinish.isEmpty()) {
            ModuleRecord m = pendingFinish.remove(0);
            if (m.status == SymbolStatus.LOADING) finish(m, ElfSymbols.load(dwfl, m.base, options.contains(SymbolOption.LOAD_LINES)));
        }
    }

    private void finish(ModuleRecord m, ElfSymbols.LoadResult r) {
        pendingFinish.remove(m);
        sayRefused();
        Address base = Address.of(m.base);
        DebugFileSearch.Result s = m.search;
        boolean wantLines = options.contains(SymbolOption.LOAD_LINES);
        m.symbols = r.symbolCount();
        m.table = new SymbolTable(r.symbols());
        m.lines = r.lines();
        m.symbolFile = r.debugFile().or(() -> r.mainFile());
        m.source = s != null && s.source().isPresent() ? s.source() : Optional.of(SymbolSource.EMBEDDED);
        List<SearchStep> tried = s != null ? s.steps() : List.of();
        if (s != null && s.cancelled()) {
            m.status = SymbolStatus.CANCELLED;
            m.reason = Optional.of("cancelled");
            m.source = Optional.empty();
            raise(new SymbolEvent.DeferredLoadFailure(m.name, base, tried, true, "cancelled"));
            return;
        }
        Optional<String> caveat = s == null ? Optional.empty() : s.caveat();
        if (r.dwarf() && (r.lines() || !wantLines) && caveat.isEmpty()) {
            m.status = SymbolStatus.LOADED;
            m.reason = Optional.empty();
            raise(new SymbolEvent.DeferredLoadComplete(m.name, base, m.source.get(), m.symbolFile, m.symbols, r.lines()));
        } else if (!wantLines && m.symbols > 0 && caveat.isEmpty()) {
            m.status = SymbolStatus.LOADED;
            raise(new SymbolEvent.DeferredLoadComplete(m.name, base, m.source.get(), m.symbolFile, m.symbols, false));
        } else if (m.symbols > 0 || r.dwarf()) {
            String why = caveat.orElse(r.dwarf() ? "DWARF without a line table" : "symbol table only, no line info: "
                    + summary(tried));
            m.status = SymbolStatus.PARTIAL;
            m.reason = Optional.of(why);
            raise(new SymbolEvent.DeferredLoadPartial(m.name, base, m.source.get(), m.symbolFile, m.symbols, why));
        } else {
            m.status = SymbolStatus.FAILED;
            String why = m.file.isEmpty() ? "the module's file was not found, and no debug file: " + summary(tried)
                    : "no symbols: " + summary(tried);
            m.reason = Optional.of(why);
            m.source = Optional.empty();
            raise(new SymbolEvent.DeferredLoadFailure(m.name, base, tried, false, why));
        }
    }

    private static String summary(List<SearchStep> tried) {
        if (tried.isEmpty()) return "nothing to search";
        return String.join("; ", tried.stream().map(SearchStep::toString).toList());
    }

    // ---- lookups --------------------------------------------------------------------------------

    /** {@code x module!pattern}: loads the symbols of the modules it names, then matches. */
    public List<SymbolMatch> find(String pattern) {
        checkThread();
        SymbolPattern p = SymbolPattern.parse(pattern);
        List<SymbolMatch> out = new ArrayList<>();
        for (ModuleRecord m : List.copyOf(modules.values())) {
            if (!p.matchesModule(m.shortName())) continue;
            ensureLoaded(m);
            for (ElfSymbols.Symbol s : m.table.symbols()) {
                if (p.matchesName(s.name())) out.add(new SymbolMatch(m.shortName(), s.name(), Address.of(s.address()), s.size()));
            }
        }
        if (p.exactName()) {
            List<String> mods = out.stream().map(SymbolMatch::module).distinct().toList();
            if (mods.size() > 1) raise(new SymbolEvent.DuplicateSymbol(p.namePart(), out));
        }
        return out;
    }

    /**
     * {@code ln} without the inline chain (as {@code addr2line -f}): cheaper, since finding inlined
     * calls walks the compile unit's DIE tree. Loads the module's symbols first.
     */
    public AddressInfo locate(Address address) {
        checkThread();
        return locateHere(address);
    }

    private AddressInfo locateHere(Address address) {
        Optional<ModuleRecord> m = find(address.value());
        if (m.isEmpty()) return new AddressInfo(address, Optional.empty(), Optional.empty(), 0, Optional.empty(), OptionalInt.empty(), List.of());
        ModuleRecord mod = m.get();
        ensureLoaded(mod);
        Optional<SymbolTable.Hit> hit = mod.table.at(address.value());
        if (!mod.lines) {      // no line table: libdwfl would only fail again
            return new AddressInfo(address, Optional.of(mod.shortName()), hit.map(SymbolTable.Hit::name),
                    hit.map(SymbolTable.Hit::offset).orElse(0L), Optional.empty(), OptionalInt.empty(), List.of());
        }
        if (mod.lineLookup == null) mod.lineLookup = new ElfSymbols.LineLookup(dwfl, mod.base);
        Optional<ElfSymbols.SourceLine> src = mod.lineLookup.at(address.value());
        finishPending();
        return new AddressInfo(address, Optional.of(mod.shortName()), hit.map(SymbolTable.Hit::name),
                hit.map(SymbolTable.Hit::offset).orElse(0L), src.map(ElfSymbols.SourceLine::file),
                src.isPresent() ? src.get().line() : OptionalInt.empty(), List.of());
    }

    /**
     * {@code ln}: nearest symbol, offset, source line and the inlined calls at the address (innermost
     * first, each with the position inside it); loads the module's symbols first.
     */
    public AddressInfo lookup(Address address) {
        checkThread();
        AddressInfo at = locateHere(address);
        Optional<ModuleRecord> m = find(address.value());
        if (m.isEmpty() || !m.get().lines) return at;
        List<InlineIndex.Inline> chain = inlines.at(address.value());
        if (chain.isEmpty()) return at;
        // Each inlined call shows where execution is inside it: the pc's line for the innermost, the
        // call site of the one inside it for the others.
        List<AddressInfo.Inline> rows = new ArrayList<>(chain.size());
        Optional<String> file = at.file();
        OptionalInt line = at.line();
        for (InlineIndex.Inline in : chain) {
            rows.add(new AddressInfo.Inline(in.function(), file, line));
            file = in.callFile();
            line = in.callLine();
        }
        return new AddressInfo(address, at.module(), at.symbol(), at.offset(), at.file(), at.line(), rows);
    }

    /**
     * {@code ln} through libdwfl alone ({@code dwfl_module_addrinfo}, {@code dwarf_getscopes}): the
     * reference for tests. (PLT stubs, which libdwfl does not name, get their {@code puts@plt} names
     * on both paths; tests check those against objdump and gdb.)
     */
    AddressInfo lookupViaLibdwfl(Address address) {
        checkThread();
        Optional<ModuleRecord> m = find(address.value());
        if (m.isEmpty()) return new AddressInfo(address, Optional.empty(), Optional.empty(), 0, Optional.empty(), OptionalInt.empty(), List.of());
        ensureLoaded(m.get());
        List<ResolvedFrame> rows = dwfl.symbolize(address.value(), true);
        finishPending();
        ResolvedFrame phys = rows.get(rows.size() - 1);
        List<AddressInfo.Inline> inl = new ArrayList<>();
        for (ResolvedFrame f : rows.subList(0, rows.size() - 1)) inl.add(new AddressInfo.Inline(f.function(), f.file(), f.line()));
        return new AddressInfo(address, phys.module(), phys.function(), phys.offset(), rows.get(0).file(), rows.get(0).line(), inl);
    }

    /** The symbols of the module at {@code address}: Sextant's table, then libdwfl's one call per symbol (the reference for tests). */
    List<List<ElfSymbols.Symbol>> symbolsBothWays(Address address) {
        checkThread();
        ModuleRecord m = find(address.value()).orElseThrow();
        ensureLoaded(m);
        return List.of(m.table.symbols(), ElfSymbols.symbols(dwfl, m.base));
    }

    /** Whether the table of the module at {@code address} was read from its file in bulk (for tests). */
    boolean tableReadFromFile(Address address) {
        return find(address.value()).map(m -> m.table.readFromFile()).orElse(false);
    }

    /**
     * {@code DW_AT_comp_dir} of the compile unit of the code at {@code pc}, for a source search;
     * loads the module's symbols first (the search's first need of them).
     */
    public Optional<String> compDir(Address pc) {
        checkThread();
        Optional<ModuleRecord> m = find(pc.value());
        if (m.isEmpty()) return Optional.empty();
        ensureLoaded(m.get());
        Optional<String> dir = m.get().lines ? dwfl.compDir(pc.value()) : Optional.empty();
        finishPending();
        return dir;
    }

    /** The registers of Call-stack row {@code row} of core thread {@code tid}, as libdwfl unwinds them. */
    public Optional<RecoveredFrame> frameRegisters(int tid, int row) {
        checkThread();
        if (core == null) throw new IllegalStateException("frameRegisters() reads a core; a live process is unwound by its tracer");
        var r = dwfl.frameRegisters(tid, row);
        finishPending();
        return r;
    }

    /** Every thread's unwound pcs of the core, each symbolized (loading symbols as frames need them). */
    public List<List<AddressInfo>> stacks() {
        checkThread();
        if (core == null) throw new IllegalStateException("stacks() reads a core; a live process is unwound by its tracer");
        List<long[]> walked = new ArrayList<>();
        dwfl.walkThreads((tid, frames, stop) -> {
            long[] adj = new long[frames.size()];
            for (int i = 0; i < adj.length; i++) adj[i] = frames.get(i).activation() ? frames.get(i).pc() : frames.get(i).pc() - 1;
            walked.add(adj);
        }, () -> false);
        finishPending();
        List<List<AddressInfo>> out = new ArrayList<>();
        for (long[] pcs : walked) {
            List<AddressInfo> frames = new ArrayList<>();
            for (long pc : pcs) frames.add(lookup(Address.of(pc)));
            out.add(frames);
        }
        return out;
    }

    /**
     * libdwfl handles belong to one thread: the first that opens a target owns the handler, and any
     * other thread's call is a bug in the caller, reported at once rather than as a corrupt session.
     */
    private void checkThread() {
        Thread t = Thread.currentThread();
        if (owner == null) owner = t;
        else if (owner != t) {
            throw new IllegalStateException("SymbolHandler is confined to thread " + owner.getName() + ", called from " + t.getName());
        }
    }

    // ---- events ---------------------------------------------------------------------------------

    private void message(Severity sev, Optional<String> module, String text, OptionalInt percent) {
        raise(new SymbolEvent.Message(sev, module, text, percent));
    }

    private void raise(SymbolEvent e) {
        for (Registration r : callbacks) call(r, e);
    }

    private boolean call(Registration r, SymbolEvent e) {
        try {
            return r.callback.onSymbolEvent(e, r.context);
        } catch (RuntimeException ex) {
            callbacks.remove(r);
            message(Severity.ERROR, Optional.empty(), "a symbol callback threw " + ex + " on " + e.action().seedName()
                    + "; it was unregistered", OptionalInt.empty());
            return false;
        }
    }

    private void closeSession(boolean raiseUnloaded) {
        for (ModuleRecord m : modules.values()) m.lineLookup = null;
        if (dwfl != null) {
            dwfl.close();
            dwfl = null;
        }
        if (raiseUnloaded) {
            for (ModuleRecord m : modules.values()) {
                if (m.status != SymbolStatus.DEFERRED) raise(new SymbolEvent.SymbolsUnloaded(m.name, Address.of(m.base)));
            }
        }
    }

    /** {@code SymCleanup}: raises {@code SYMBOLS_UNLOADED} for each module that had been loaded. */
    @Override public void close() {
        closeSession(true);
        search.close();
    }
}
