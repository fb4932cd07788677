package dev.sextant.app.cli;

import dev.sextant.engine.format.json.JsonOut;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.AddressInfo;
import dev.sextant.engine.api.Command.QuerySymbols;
import dev.sextant.engine.api.Command.SymbolTarget;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.ModuleSymbols;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.SymbolMatch;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.SymbolReport;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.session.EngineThread;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sextant symbols --core FILE|--pid PID [--find PATTERN] [--addr ADDR]}: the symbol handler on the
 * command line: module symbol states, {@code x module!pattern}, {@code ln ADDR}. A live process is
 * attached (every thread stopped) while its modules are listed and queried, then detached: it runs on.
 */
@Command(name = "symbols", mixinStandardHelpOptions = true,
        description = "Load a core's or a running process's symbols through the symbol path; find symbols by name or an address's symbol and line.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:nothing matched / no symbol at the address", "2:the core or process could not be read, or bad arguments"})
public final class SymbolsCommand implements Callable<Integer> {
    @Option(names = "--core", paramLabel = "FILE", description = "ELF core file (or --pid)")
    Path core;

    @Option(names = "--pid", paramLabel = "PID", description = "a running process: attached while queried, then detached")
    Integer pid;

    @Option(names = "--exe", paramLabel = "FILE", description = "the executable that produced the core")
    Path exe;

    @Option(names = "--find", paramLabel = "PATTERN", description = "[module!]name, glob (* ?) or /regex/, as WinDbg's x")
    List<String> find = new ArrayList<>();

    @Option(names = "--addr", paramLabel = "ADDR", description = "address (hex) to look up, as WinDbg's ln")
    List<String> addr = new ArrayList<>();

    @Option(names = "--addr-file", paramLabel = "FILE", description = "addresses to look up, one (hex) per line")
    Path addrFile;

    @Option(names = "--no-inlines", description = "do not list inlined calls at each --addr (as addr2line without -i)")
    boolean noInlines;

    @Option(names = "--symbol-path", paramLabel = "PATH",
            description = "own;debuglink;build-id[=ROOT];debuginfod*CACHE*URL;DIR … (default: own;debuglink;build-id + DEBUGINFOD_URLS)")
    String symbolPath;

    @Option(names = "--load-all", description = "load every module's symbols (default: only those needed; a listing loads them all)")
    boolean loadAll;

    @Option(names = "--deferred", description = "list modules without loading their symbols (each says \"deferred\")")
    boolean deferred;

    @Option(names = "--no-debuginfod", description = "never ask debuginfod servers")
    boolean noDebuginfod;

    @Option(names = {"--noisy", "-v"}, description = "print every symbol event and search step on stderr (!sym noisy)")
    boolean noisy;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Option(names = "--export-breakpad", paramLabel = "FILE",
            description = "write a Breakpad symbol file (.sym) for the ELF FILE and its DWARF, as Breakpad's dump_syms")
    Path exportBreakpad;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "where --export-breakpad writes (default: NAME.sym here)")
    Path output;

    /**
     * The arguments bound by {@link PlainArgs} when they are plain and name one core or process, or a file
     * to export; else empty (picocli explains).
     */
    public static Optional<SymbolsCommand> plain(String[] args) {
        return PlainArgs.bind(new SymbolsCommand(), args).filter(c -> c.exportBreakpad != null || (c.core == null) != (c.pid == null));
    }

    @Override public Integer call() {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if (exportBreakpad != null) return BreakpadExportRun.run(exportBreakpad, output, err);
        long t0 = System.nanoTime();
        // Binding libdw (JNA registers each function) takes tens of milliseconds: other threads do it
        // while this one reads the arguments and the addresses.
        Future<Optional<String>> binding = EngineThread.preloadNatives();
        List<Address> addresses = new ArrayList<>(addr.size());
        String argError = null;
        try {
            for (String a : addr) addresses.add(Address.parse(a));
            if (addrFile != null) addresses.addAll(AddressFile.read(addrFile));
        } catch (IOException e) {
            argError = "cannot read " + addrFile + ": " + e.getMessage();
        } catch (IllegalArgumentException e) {
            argError = e.getMessage();
        }
        long tArgs = System.nanoTime();
        Optional<String> libdw;
        try {
            libdw = OneShot.await(binding);
        } catch (TargetException e) {
            libdw = Optional.of("elfutils' libdw.so.1 could not be bound: " + e.getMessage());
        }
        long tBound = System.nanoTime();
        if (libdw.isPresent()) { err.println("sextant: " + libdw.get()); return 2; }
        if ((core == null) == (pid == null)) { err.println("sextant: symbols needs one of --core FILE or --pid PID"); return 2; }
        if (argError != null) { err.println("sextant: " + argError); return 2; }
        boolean lookups = !addresses.isEmpty();
        Set<SymbolOption> opts = EnumSet.copyOf(SymbolOption.defaults());
        if (noDebuginfod) opts.remove(SymbolOption.DEBUGINFOD);
        if (noisy) opts.add(SymbolOption.DEBUG);
        SymbolTarget target = pid != null ? new SymbolTarget.Process(new Pid(pid)) : new SymbolTarget.Core(core, Optional.ofNullable(exe));
        SymbolReport report;
        boolean[] damaged = {false};
        try {
            // A listing says where each module's symbols come from, or why none: that takes loading them (--deferred does not).
            boolean load = loadAll || (find.isEmpty() && !lookups && !deferred);
            report = OneShot.run(new QuerySymbols(target, Optional.ofNullable(symbolPath), opts, load, find, addresses, !noInlines),
                    e -> {
                        if (e instanceof DebugEvent.SymbolLoadLogged l) err.println(l.text());
                        if (e instanceof DebugEvent.DiagnosticReported d && d.diagnostic().severity() == Severity.ERROR) {
                            err.println("sextant: " + d.diagnostic().message());   // a damaged core: listed as far as it goes
                            damaged[0] = true;
                        }
                    });
        } catch (TargetException | IllegalArgumentException e) {
            err.println("sextant: " + e.getMessage());
            return 2;
        }
        if ("1".equals(System.getenv("SEXTANT_TIMING")) && lookups) {
            long ms = Math.max(1, report.lookupNanos() / 1_000_000);
            err.println("phases: arguments " + (tArgs - t0) / 1_000_000 + " ms, libdw binding " + (tBound - t0) / 1_000_000 + " ms, open "
                    + report.openNanos() / 1_000_000 + " ms, lookups " + report.lookupNanos() / 1_000_000 + " ms");
            err.println("timing: " + addresses.size() + " lookups (symbol loads included) in " + ms + " ms, "
                    + (addresses.size() * 1000L / ms) + " per second");
        }
        boolean any = true;
        if (!find.isEmpty() && report.matches().isEmpty()) any = false;
        if (lookups && report.addresses().stream().anyMatch(i -> i.symbol().isEmpty())) any = false;
        StringBuilder out = new StringBuilder();
        if (json) json(out, report.modules(), report.matches(), report.addresses()); else text(out, report.modules(), report.matches(), lookups);
        byte[] b = out.toString().getBytes(StandardCharsets.UTF_8);
        System.out.write(b, 0, b.length);
        if (!json) AddressLines.of(report.addresses()).writeTo(System.out);
        System.out.flush();
        return any && !damaged[0] ? ExitStatus.OK : ExitStatus.PARTIAL;
    }

    /** Modules (when nothing was asked) and matches; the addresses' lines follow through {@link AddressLines}. */
    private void text(StringBuilder out, List<ModuleSymbols> mods, List<SymbolMatch> matches, boolean lookups) {
        if (find.isEmpty() && !lookups) {
            for (ModuleSymbols m : mods) {
                out.append(m.base()).append(' ').append(m.end()).append(' ').append(m.shortName()).append(' ')
                        .append(m.status().name().toLowerCase(Locale.ROOT));
                m.source().ifPresent(s -> out.append(" from ").append(s.label()));
                m.symbolFile().ifPresent(f -> out.append(" ").append(f));
                if (m.symbolCount() > 0) out.append(", ").append(m.symbolCount()).append(" symbols");
                if (m.lineInfo()) out.append(", lines");
                m.reason().ifPresent(r -> out.append(": ").append(r));
                if (m.status() == SymbolStatus.DEFERRED) out.append(" (not loaded: --deferred; without it they are)");
                out.append('\n');
            }
        }
        for (SymbolMatch s : matches) {
            out.append(s.address()).append(' ').append(s.size()).append(' ').append(s.qualifiedName()).append('\n');
        }
    }

    private void json(StringBuilder sb, List<ModuleSymbols> mods, List<SymbolMatch> matches, List<AddressInfo> infos) {
        JsonOut j = new JsonOut();
        j.beginObject().name("modules").beginArray();
        for (ModuleSymbols m : mods) {
            j.beginObject().name("name").value(m.name()).name("base").hex(m.base().value()).name("end").hex(m.end().value())
                    .name("status").value(m.status().name()).name("source").value(m.source().map(Enum::name).orElse(null))
                    .name("symbolFile").value(m.symbolFile().orElse(null)).name("symbols").value(m.symbolCount())
                    .name("lines").value(m.lineInfo()).name("reason").value(m.reason().orElse(null))
                    .name("searched").beginArray();
            m.searched().forEach(s -> j.value(s.toString()));
            j.endArray().endObject();
        }
        j.endArray().name("symbols").beginArray();
        for (SymbolMatch s : matches) {
            j.beginObject().name("module").value(s.module()).name("name").value(s.name()).name("address").hex(s.address().value())
                    .name("size").value(s.size()).endObject();
        }
        j.endArray().name("addresses").beginArray();
        for (AddressInfo i : infos) {
            j.beginObject().name("address").hex(i.address().value()).name("module").value(i.module().orElse(null))
                    .name("symbol").value(i.symbol().orElse(null)).name("offset").value(i.offset())
                    .name("file").value(i.file().orElse(null));
            if (i.line().isPresent()) j.name("line").value(i.line().getAsInt()); else j.name("line").nullValue();
            j.name("inlines").beginArray();
            for (AddressInfo.Inline in : i.inlines()) {
                j.beginObject().name("function").value(in.function().orElse(null)).name("file").value(in.file().orElse(null));
                if (in.line().isPresent()) j.name("line").value(in.line().getAsInt()); else j.name("line").nullValue();
                j.endObject();
            }
            j.endArray().endObject();
        }
        j.endArray().endObject();
        sb.append(j.text()).append('\n');
    }
}
