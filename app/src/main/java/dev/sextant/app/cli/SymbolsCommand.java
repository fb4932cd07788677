package dev.sextant.app.cli;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.symbols.AddressInfo;
import dev.sextant.engine.symbols.ModuleSymbols;
import dev.sextant.engine.symbols.SymbolEvent;
import dev.sextant.engine.symbols.SymbolHandler;
import dev.sextant.engine.symbols.SymbolMatch;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.symbols.SymbolPath;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
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

    @Option(names = "--load-all", description = "load every module's symbols (default: only those needed)")
    boolean loadAll;

    @Option(names = "--no-debuginfod", description = "never ask debuginfod servers")
    boolean noDebuginfod;

    @Option(names = {"--noisy", "-v"}, description = "print every symbol event and search step on stderr (!sym noisy)")
    boolean noisy;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    /**
     * The arguments bound without picocli when they are only the options above in plain form (as
     * {@link StackCommand#plain}: picocli's reflective model costs a quarter of a second at start-up);
     * empty for help, mistakes or anything picocli must explain.
     */
    public static Optional<SymbolsCommand> plain(String[] args) {
        SymbolsCommand c = new SymbolsCommand();
        for (int i = 0; i < args.length; i++) {
            String a = args[i], name = a, value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) { name = a.substring(0, eq); value = a.substring(eq + 1); }
            switch (name) {
                case "--json", "--load-all", "--no-debuginfod", "--no-inlines", "--noisy", "-v" -> {
                    if (value != null) return Optional.empty();
                    switch (name) {
                        case "--json" -> c.json = true;
                        case "--load-all" -> c.loadAll = true;
                        case "--no-debuginfod" -> c.noDebuginfod = true;
                        case "--no-inlines" -> c.noInlines = true;
                        default -> c.noisy = true;
                    }
                }
                case "--core", "--pid", "--exe", "--find", "--addr", "--addr-file", "--symbol-path" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("-")) return Optional.empty();
                        value = args[++i];
                    }
                    if (value.isEmpty()) return Optional.empty();
                    switch (name) {
                        case "--core" -> { if (c.core != null) return Optional.empty(); c.core = Path.of(value); }
                        case "--pid" -> {
                            if (c.pid != null || !value.matches("\\d{1,9}")) return Optional.empty();
                            c.pid = Integer.parseInt(value);
                        }
                        case "--exe" -> c.exe = Path.of(value);
                        case "--find" -> c.find.add(value);
                        case "--addr" -> c.addr.add(value);
                        case "--addr-file" -> c.addrFile = Path.of(value);
                        default -> c.symbolPath = value;
                    }
                }
                default -> { return Optional.empty(); }
            }
        }
        return (c.core == null) == (c.pid == null) ? Optional.empty() : Optional.of(c);
    }

    @Override public Integer call() {
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        long t0 = System.nanoTime();
        // Binding libdw (JNA registers each function) takes tens of milliseconds: other threads do it
        // while this one reads the arguments and the addresses.
        java.util.concurrent.Future<Optional<String>> binding = ElfSession.preload();
        SymbolPath path = null;
        List<Address> addresses = new ArrayList<>(addr.size());
        String argError = null;
        try {
            path = symbolPath == null ? SymbolPath.defaults(System.getenv())
                    : SymbolPath.parse(symbolPath, System.getenv()).withEnvironment(System.getenv());
            for (String a : addr) addresses.add(Address.parse(a));
            if (addrFile != null) addresses.addAll(AddressFile.read(addrFile));
        } catch (java.io.IOException e) {
            argError = "cannot read " + addrFile + ": " + e.getMessage();
        } catch (IllegalArgumentException e) {
            argError = e.getMessage();
        }
        long tArgs = System.nanoTime();
        Optional<String> libdw;
        try {
            libdw = binding.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        } catch (java.util.concurrent.ExecutionException e) {
            libdw = Optional.of("elfutils' libdw.so.1 could not be bound: " + e.getCause());
        }
        long tBound = System.nanoTime();
        if (libdw.isPresent()) { err.println("sextant: " + libdw.get()); return 2; }
        if ((core == null) == (pid == null)) { err.println("sextant: symbols needs one of --core FILE or --pid PID"); return 2; }
        if (argError != null) { err.println("sextant: " + argError); return 2; }
        boolean lookups = !addresses.isEmpty();
        Set<SymbolOption> opts = EnumSet.copyOf(SymbolOption.defaults());
        if (noDebuginfod) opts.remove(SymbolOption.DEBUGINFOD);
        if (noisy) opts.add(SymbolOption.DEBUG);
        StringBuilder out = new StringBuilder();
        List<SymbolEvent> events = new ArrayList<>();
        boolean any = true;
        AddressLines lines = null;
        dev.sextant.engine.linux.Tracer tracer = null;
        try (SymbolHandler h = new SymbolHandler(path, opts)) {
            h.registerCallback((e, ctx) -> {
                events.add(e);
                if (noisy) err.println(e.action().seedName() + " " + describe(e));
                return false;
            }, null);
            try {
                if (pid != null) {
                    // Stopped while its module list and files are read, so that no dlopen/dlclose moves them meanwhile.
                    tracer = dev.sextant.engine.linux.Tracer.attach(new dev.sextant.engine.api.Pid(pid));
                    h.openProcess(pid);
                } else {
                    h.openCore(core, Optional.ofNullable(exe));
                }
            } catch (RuntimeException e) {
                err.println("sextant: " + (pid != null ? "process " + pid : core) + ": " + e.getMessage());
                return 2;
            }
            long tOpen = System.nanoTime();
            if (loadAll) h.loadAll();
            List<SymbolMatch> matches = new ArrayList<>();
            for (String f : find) matches.addAll(h.find(f));
            List<AddressInfo> infos = new ArrayList<>(addr.size());
            long tLookups = System.nanoTime();
            for (Address a : addresses) infos.add(noInlines ? h.locate(a) : h.lookup(a));
            if ("1".equals(System.getenv("SEXTANT_TIMING")) && lookups) {
                long now = System.nanoTime(), ms = Math.max(1, (now - tLookups) / 1_000_000);
                err.println("phases: arguments " + (tArgs - t0) / 1_000_000 + " ms, libdw binding " + (tBound - t0) / 1_000_000 + " ms, open "
                        + (tOpen - tBound) / 1_000_000 + " ms, lookups " + (now - tLookups) / 1_000_000 + " ms");
                err.println("timing: " + addresses.size() + " lookups (symbol loads included) in " + ms + " ms, "
                        + (addresses.size() * 1000L / ms) + " per second");
            }
            List<ModuleSymbols> mods = h.modules();
            if (!find.isEmpty() && matches.isEmpty()) any = false;
            if (lookups && infos.stream().anyMatch(i -> i.symbol().isEmpty())) any = false;
            if (json) json(out, mods, matches, infos); else text(out, mods, matches, lookups);
            if (!json) lines = AddressLines.of(infos);
        } catch (IllegalArgumentException e) {
            err.println("sextant: " + e.getMessage());
            return 2;
        } finally {
            if (tracer != null) tracer.close();     // detaches: the process runs on
        }
        byte[] b = out.toString().getBytes(StandardCharsets.UTF_8);
        System.out.write(b, 0, b.length);
        if (lines != null) lines.writeTo(System.out);
        System.out.flush();
        return any ? 0 : 1;
    }

    static String describe(SymbolEvent e) {
        if (e instanceof SymbolEvent.DeferredLoadFailure f) {
            return f.module() + " " + f.reason();
        }
        return e.toString();
    }

    /** Modules (when nothing was asked) and matches; the addresses' lines follow through {@link AddressLines}. */
    private void text(StringBuilder out, List<ModuleSymbols> mods, List<SymbolMatch> matches, boolean lookups) {
        if (find.isEmpty() && !lookups) {
            for (ModuleSymbols m : mods) {
                out.append(m.base()).append(' ').append(m.end()).append(' ').append(m.shortName()).append(' ')
                        .append(m.status().name().toLowerCase(java.util.Locale.ROOT));
                m.source().ifPresent(s -> out.append(" from ").append(s.label()));
                m.symbolFile().ifPresent(f -> out.append(" ").append(f));
                if (m.symbolCount() > 0) out.append(", ").append(m.symbolCount()).append(" symbols");
                if (m.lineInfo()) out.append(", lines");
                m.reason().ifPresent(r -> out.append(": ").append(r));
                out.append('\n');
            }
        }
        for (SymbolMatch s : matches) {
            out.append(s.address()).append(' ').append(s.size()).append(' ').append(s.qualifiedName()).append('\n');
        }
    }

    private void json(StringBuilder sb, List<ModuleSymbols> mods, List<SymbolMatch> matches, List<AddressInfo> infos) {
        Json j = new Json(sb);
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
        sb.append('\n');
    }
}
