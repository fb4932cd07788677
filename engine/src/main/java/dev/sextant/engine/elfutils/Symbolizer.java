package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.elfutils.jna.DwflModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Names a session's pcs as a debugger shows them: module (file name only), function (demangled,
 * a PLT stub as {@code puts@plt}), offset, source line and inlined calls; and which rule can unwind
 * from a pc (CFI or the frame pointer). Caches per pc and per module for the life of the session's
 * module list. Same thread as the session.
 */
public final class Symbolizer {
    private final Dwfl dwfl;
    private final Map<Long, List<ResolvedFrame>> symbolCache = new HashMap<>();
    private final Map<Long, PltIndex> pltIndex = new HashMap<>();
    private final Map<Long, String> moduleNames = new HashMap<>();
    private final Map<Long, CfiCoverage> cfiCache = new HashMap<>();
    private boolean sourceLines = true;

    Symbolizer(Dwfl dwfl) { this.dwfl = dwfl; }

    /** Drops what was learnt of the modules (after the module list changed). */
    void forgetModules() {
        symbolCache.clear();
        moduleNames.clear();
    }

    /**
     * Frames without source files and lines from now on (names and inlined calls only): reading a
     * module's line table was half the time of a crash signature, which names functions only.
     */
    void omitSourceLines() {
        sourceLines = false;
        symbolCache.clear();
    }

    /**
     * Whether an FDE covers {@code pc}: what libdwfl's unwinder looks for before it falls back to the
     * frame pointer. A return address ({@code activation} false) is looked up at the call instruction,
     * as the unwinder does.
     */
    public CfiCoverage cfiAt(long pc, boolean activation) {
        long adj = activation ? pc : pc - 1;
        return cfiCache.computeIfAbsent(adj, a -> dwfl.moduleAt(a)
                .map(m -> m.hasFde(a) ? CfiCoverage.FDE : CfiCoverage.NO_FDE).orElse(CfiCoverage.NO_MODULE));
    }

    /**
     * Module, function, source line and inlined calls for one pc; the physical frame is the last
     * row, inlined calls (innermost first) come before it. Cached per pc.
     */
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
        Optional<DwflModule> found = dwfl.moduleAt(adj);
        if (found.isEmpty()) {
            return List.of(new ResolvedFrame(Optional.empty(), Optional.empty(), 0, Optional.empty(), OptionalInt.empty(), false));
        }
        DwflModule mod = found.get();
        Optional<String> module = Optional.of(moduleName(mod));
        Optional<DwflModule.SymbolAt> sym = mod.symbolAt(adj);
        Optional<String> function = sym.map(s -> Demangler.demangle(s.name()));
        long offset = sym.map(s -> s.offset() + (pc - adj)).orElse(0L);
        if (sym.isEmpty()) {
            // a stub of the procedure linkage table (a step into a library call lands there): puts@plt, as gdb says
            Optional<Map.Entry<String, Long>> stub = pltStubs(mod).pltStub(adj);
            if (stub.isPresent()) {
                function = Optional.of(stub.get().getKey());
                offset = stub.get().getValue() + (pc - adj);
            }
        }
        Optional<DwflModule.LineInfo> src = sourceLines ? mod.lineAt(adj) : Optional.empty();
        Optional<String> file = src.map(DwflModule.LineInfo::file);
        OptionalInt line = src.filter(l -> l.line() > 0).map(l -> OptionalInt.of(l.line())).orElse(OptionalInt.empty());
        List<DwflModule.InlineCall> inlines = mod.inlineChain(adj);
        if (inlines.isEmpty()) {
            return List.of(new ResolvedFrame(module, function, offset, file, line, false));
        }
        // Rows innermost first: each inlined call shows where execution is inside it; the row
        // outside it shows the call site (DW_AT_call_file/line of the inlined DIE).
        List<ResolvedFrame> rows = new ArrayList<>(inlines.size() + 1);
        Optional<String> rowFile = file;
        OptionalInt rowLine = line;
        for (DwflModule.InlineCall in : inlines) {
            rows.add(new ResolvedFrame(module, in.name().map(Demangler::demangle), 0, rowFile, rowLine, true));
            rowFile = in.callFile();
            rowLine = in.callLine();
        }
        rows.add(new ResolvedFrame(module, function, offset, rowFile, rowLine, false));
        return List.copyOf(rows);
    }

    /** The PLT stubs of a module's own file, read once per module. */
    private PltIndex pltStubs(DwflModule mod) {
        return pltIndex.computeIfAbsent(mod.key(), k -> {
            Optional<String> main = mod.info().mainFile();
            OptionalLong bias = mod.elfBias();
            if (main.isEmpty() || bias.isEmpty()) return PltIndex.NONE;
            Path file = Path.of(main.get());
            if (!Files.isRegularFile(file)) return PltIndex.NONE;
            return new PltIndex(file, bias.getAsLong());
        });
    }

    private String moduleName(DwflModule mod) {
        return moduleNames.computeIfAbsent(mod.key(), k -> shortName(mod.name()));
    }

    /** A module's name without its directory. */
    static String shortName(String name) {
        int slash = name.lastIndexOf('/');
        return slash >= 0 ? name.substring(slash + 1) : name;
    }
}
