package dev.sextant.engine.session;

import dev.sextant.engine.api.AddressInfo;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.SymbolMatch;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.SymbolReport;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.dump.CoreCache;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.linux.Tracer;
import dev.sextant.engine.symbols.SymbolEvent;
import dev.sextant.engine.symbols.SymbolHandler;
import dev.sextant.engine.symbols.SymbolPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code QuerySymbols} command, on the engine thread: a symbol handler of its own over a core or
 * a process (stopped while its module list and files are read, so that no dlopen/dlclose moves them
 * meanwhile, then detached), the patterns found and the addresses looked up.
 */
final class SymbolQuery {
    private SymbolQuery() {}

    static SymbolReport run(Command.QuerySymbols q, Consumer<DebugEvent> emit, long stopId) {
        ElfSession.unavailableReason().ifPresent(r -> { throw new TargetException(r); });
        Map<String, String> env = System.getenv();
        SymbolPath path = q.symbolPath().map(p -> SymbolPath.parse(p, env).withEnvironment(env)).orElseGet(() -> SymbolPath.defaults(env));
        boolean noisy = q.options().contains(SymbolOption.DEBUG);
        Tracer tracer = null;
        try (SymbolHandler h = new SymbolHandler(path, q.options())) {
            h.registerCallback((e, ctx) -> {
                // a file refused for a module: why its symbols are missing
                if (e instanceof SymbolEvent.Message m && m.severity() == Severity.WARNING) {
                    emit.accept(new DebugEvent.SymbolLoadLogged(stopId, Severity.WARNING, m.module(), m.text(), false));
                } else if (noisy) {
                    emit.accept(new DebugEvent.SymbolLoadLogged(stopId, Severity.INFO, Optional.empty(),
                            e.action().seedName() + " " + describe(e), true));
                }
                return false;
            }, null);
            long t0 = System.nanoTime();
            try {
                if (q.target() instanceof Command.SymbolTarget.Process p) {
                    tracer = Tracer.attach(p.pid());
                    h.openProcess(p.pid().value());
                } else {
                    Command.SymbolTarget.Core c = (Command.SymbolTarget.Core) q.target();
                    // A compressed core is read from its decompressed copy in the core cache (free when already there).
                    Path plain = CoreCache.standard().plain(c.core(), CoreCache.Progress.NONE, new Cancellation());
                    h.openCore(c.core(), plain, c.executable());
                    damage(c.core(), plain).forEach(d -> emit.accept(new DebugEvent.DiagnosticReported(stopId, d)));
                }
            } catch (RuntimeException e) {
                String what = q.target() instanceof Command.SymbolTarget.Process p ? "process " + p.pid().value()
                        : ((Command.SymbolTarget.Core) q.target()).core().toString();
                throw new TargetException(what + ": " + e.getMessage(), e);
            }
            long tOpen = System.nanoTime();
            if (q.loadAll()) h.loadAll();
            List<SymbolMatch> matches = new ArrayList<>();
            for (String f : q.patterns()) matches.addAll(h.find(f));
            long tLookups = System.nanoTime();
            List<AddressInfo> infos = new ArrayList<>(q.addresses().size());
            for (var a : q.addresses()) infos.add(q.inlines() ? h.lookup(a) : h.locate(a));
            long tEnd = System.nanoTime();
            return new SymbolReport(h.modules(), matches, infos, tOpen - t0, tEnd - tLookups);
        } finally {
            if (tracer != null) tracer.close();     // detaches: the process runs on
        }
    }

    /** What stack and dump report as errors of a core (damaged notes, a cut-off memory image): symbols reports them alike. */
    private static List<Diagnostic> damage(Path label, Path plain) {
        List<Diagnostic> out = new ArrayList<>();
        try {
            CoreFile notes = CoreFile.open(plain);
            notes.problems().forEach(p -> out.add(new Diagnostic(Severity.ERROR, label + ": " + p)));
            notes.missingMemory(Files.size(plain)).ifPresent(m -> out.add(new Diagnostic(Severity.ERROR, label + ": " + m)));
        } catch (IOException | FormatException e) {
            out.add(new Diagnostic(Severity.ERROR, label + ": " + e.getMessage()));
        }
        return out;
    }

    private static String describe(SymbolEvent e) {
        if (e instanceof SymbolEvent.DeferredLoadFailure f) return f.module() + " " + f.reason();
        return e.toString();
    }
}
