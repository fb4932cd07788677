package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindResult;
import dev.sextant.engine.api.BindParameter.BoundImport;
import dev.sextant.engine.api.BindResult.Module;
import dev.sextant.engine.api.BindResult.Procedure;
import dev.sextant.engine.api.BindResult.Status;
import dev.sextant.engine.api.BindResult.Unresolved;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.PeExports;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.format.pe.PeImports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code BindImageEx} for PE images (x86 and x64): each imported DLL (the import directory's, then
 * the delay-load directory's, marked {@link Module#delayLoad}) is looked for in the image's
 * directory and then in the search path's extra directories (case-insensitively, as Windows
 * matches names), each import bound by name or ordinal to the DLL's export, forwarders followed
 * across DLLs ({@code BindForwarder}; a forwarder that leads nowhere or loops is
 * {@code BindForwarderNOT}). Addresses are virtual addresses at the DLLs' preferred image bases,
 * as a bound image stores them. With {@link BindFlag#UPDATE_COPY} a bound copy is written by
 * {@link PeBoundCopy}. Single-threaded.
 */
final class PeBinder {
    private static final int MAX_FORWARDS = 16;

    /** A DLL found for a name: its file and parsed parts. */
    private record Dll(String name, Path path, PeImage image, PeExports exports, String foundBy) {}

    /** One resolved import: the address, the DLL it ended in and the forwarder chain's DLL names. */
    record Resolved(long va, Dll in, List<String> forwardedThrough, Optional<String> forwardedTo) {}

    private final Map<String, Optional<Dll>> dlls = new HashMap<>();
    private final Path image;
    private final SearchPath sp;
    private final BindStatusRoutine routine;

    private PeBinder(Path image, SearchPath sp, BindStatusRoutine routine) {
        this.image = image;
        this.sp = sp;
        this.routine = routine;
    }

    /** Thrown out of the routine's caller when it says stop. */
    private static final class Stop extends RuntimeException {
        Stop() { super(null, null, false, false); }
    }

    private void report(BindReason reason, String dll, long va, BindParameter p) {
        if (!routine.status(reason, image.toString(), dll, va, p)) throw new Stop();
    }

    static BindResult bind(Path image, SearchPath sp, Set<BindFlag> flags, BindStatusRoutine routine) throws IOException {
        return new PeBinder(image, sp, routine).run(flags.contains(BindFlag.UPDATE_COPY));
    }

    private BindResult run(boolean updateCopy) throws IOException {
        PeImage pe = PeImage.open(image);     // not PE at all: a typed error for the caller
        String format = (pe.optionalHeader().isPe32Plus() ? "PE32+ " : "PE32 ") + machine(pe.fileHeader().machine());
        List<Module> modules = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<Unresolved> unresolved = new ArrayList<>();
        List<PeBoundCopy.BoundModule> bound = new ArrayList<>();
        List<BoundImport> table = new ArrayList<>();
        Optional<String> imageFailure = Optional.empty();
        boolean stopped = false;
        try {
            List<PeImports.Module> imports;
            try {
                imports = PeImports.read(pe);
            } catch (FormatException e) {
                imageFailure = Optional.of(e.getMessage());
                report(BindReason.BindRvaToVaFailed, "", e.offset(), new BindParameter.Failure(e.getMessage(), List.of()));
                imports = List.of();
            }
            modules.add(new Module(image.toString(), Optional.of(image.toString()), "image", Optional.empty(), List.of(),
                    Optional.empty(), imageFailure, List.of()));
            for (PeImports.Module m : imports) {
                Bound b = bindModule(m.dllName(), m.procedures(), false, modules, missing, unresolved);
                if (b == null) {
                    table.add(new BoundImport(m.dllName(), Optional.empty(), "", List.of()));
                    continue;
                }
                List<PeBoundCopy.Ref> refList = new ArrayList<>();
                for (String ref : b.refs()) dll(ref).ifPresent(x -> refList.add(new PeBoundCopy.Ref(ref, x.image().fileHeader().timeDateStamp())));
                table.add(new BoundImport(m.dllName(), Optional.of(b.dll().path().toString()), stamp(b.dll().image()),
                        refList.stream().map(PeBoundCopy.Ref::name).toList()));
                if (b.complete()) bound.add(new PeBoundCopy.BoundModule(m, b.dll().image().fileHeader().timeDateStamp(), b.values(), List.copyOf(refList)));
            }
            // Delay-load imports bind the same way; they are not part of the bound import table.
            List<PeImports.DelayModule> delayed;
            try {
                delayed = PeImports.readDelay(pe);
            } catch (FormatException e) {
                if (imageFailure.isEmpty()) {
                    imageFailure = Optional.of(e.getMessage());
                    modules.set(0, new Module(image.toString(), Optional.of(image.toString()), "image", Optional.empty(), List.of(),
                            Optional.empty(), imageFailure, List.of()));
                }
                report(BindReason.BindRvaToVaFailed, "", e.offset(), new BindParameter.Failure(e.getMessage(), List.of()));
                delayed = List.of();
            }
            for (PeImports.DelayModule m : delayed) bindModule(m.dllName(), m.procedures(), true, modules, missing, unresolved);
            report(BindReason.BindImageComplete, "", 0, new BindParameter.BoundImports(List.copyOf(table)));
            if (updateCopy) {
                PeBoundCopy.write(pe, image, PeBoundCopy.copyPath(image), bound, (reason, dll, va, p) -> report(reason, dll, va, p));
            }
        } catch (Stop s) {
            stopped = true;
        }
        return new BindResult(image.toString(), format, List.copyOf(modules), List.copyOf(missing), List.copyOf(unresolved), stopped);
    }

    /** How one imported DLL bound: the DLL, each slot's address, the DLLs forwarders went through, and whether all bound. */
    private record Bound(Dll dll, long[] values, Set<String> refs, boolean complete) {}

    /**
     * Finds one imported DLL and binds its procedures, telling the routine and adding the module
     * (and any failures) to the lists; null when the DLL is not found.
     */
    private Bound bindModule(String dllName, List<PeImports.Procedure> procedures, boolean delay, List<Module> modules,
                             List<String> missing, List<Unresolved> unresolved) {
        Optional<Dll> dll = dll(dllName);
        if (dll.isEmpty()) {
            if (!missing.contains(dllName)) missing.add(dllName);
            List<String> trail = trail(dllName);
            report(BindReason.BindImportModuleFailed, dllName, 0,
                    new BindParameter.Failure("cannot find " + dllName + (delay ? " (delay-load)" : ""), trail));
            modules.add(new Module(dllName, Optional.empty(), "not found", Optional.of(image.toString()), trail,
                    Optional.empty(), Optional.of("not found"), List.of(), delay));
            return null;
        }
        Dll d = dll.get();
        report(BindReason.BindImportModule, dllName, 0,
                new BindParameter.ModuleFound(d.path().toString(), delay ? d.foundBy() + "; delay-load" : d.foundBy()));
        List<Procedure> procs = new ArrayList<>();
        long[] values = new long[procedures.size()];
        Set<String> refs = new LinkedHashSet<>();
        boolean complete = true;
        for (int i = 0; i < procedures.size(); i++) {
            PeImports.Procedure p = procedures.get(i);
            BindParameter.ProcedureName param = new BindParameter.ProcedureName(p.display(), Optional.empty());
            Optional<Resolved> r = resolve(d, p.name(), p.hintOrOrdinal(), p.byOrdinal(), new ArrayList<>(), dllName, p.display());
            if (r.isEmpty()) {
                complete = false;
                unresolved.add(new Unresolved(dllName, p.display(), Optional.empty()));
                report(BindReason.BindImportProcedureFailed, dllName, 0, param);
                procs.add(new Procedure(p.display(), p.hintOrOrdinal(), Optional.empty(), Status.UNDEFINED, Optional.empty(),
                        0, Optional.empty(), false));
                continue;
            }
            Resolved res = r.get();
            values[i] = res.va();
            refs.addAll(res.forwardedThrough());
            report(BindReason.BindImportProcedure, dllName, res.va(), param);
            procs.add(new Procedure(p.display(), p.hintOrOrdinal(), Optional.empty(),
                    res.forwardedTo().isPresent() ? Status.FORWARDED : Status.BOUND, Optional.of(res.in().name()), res.va(),
                    res.forwardedTo(), false));
        }
        modules.add(new Module(dllName, Optional.of(d.path().toString()), d.foundBy(), Optional.of(image.toString()),
                List.of(), Optional.of(stamp(d.image())), Optional.empty(), List.copyOf(procs), delay));
        return new Bound(d, values, refs, complete);
    }

    /** Follows an import (and any forwarders) to an address; empty when it cannot be resolved. */
    private Optional<Resolved> resolve(Dll d, Optional<String> name, int ordinal, boolean byOrdinal, List<String> through,
                                       String importedFrom, String display) {
        Optional<PeExports.Export> e = byOrdinal ? d.exports().byOrdinal(ordinal)
                : d.exports().byName(name.orElse("")).or(() -> Optional.empty());
        if (e.isEmpty()) return Optional.empty();
        if (e.get().forwarder().isEmpty()) {
            Optional<String> fwd = through.isEmpty() ? Optional.empty() : Optional.of(d.name() + "!" + name.orElse("#" + ordinal));
            return Optional.of(new Resolved(d.image().imageBase() + e.get().rva(), d, List.copyOf(through), fwd));
        }
        String text = e.get().forwarder().get();
        int dot = text.lastIndexOf('.');
        if (through.size() >= MAX_FORWARDS || dot <= 0) {
            report(BindReason.BindForwarderNOT, importedFrom, 0, new BindParameter.ForwarderName(display, text));
            return Optional.empty();
        }
        String target = text.substring(0, dot);
        String targetDll = target.toLowerCase(Locale.ROOT).endsWith(".dll") ? target : target + ".dll";
        String sym = text.substring(dot + 1);
        Optional<Dll> next = dll(targetDll);
        Optional<Resolved> r = Optional.empty();
        if (next.isPresent()) {
            List<String> t2 = new ArrayList<>(through);
            t2.add(targetDll);
            r = sym.startsWith("#") ? parseOrdinal(sym).flatMap(o -> resolve(next.get(), Optional.empty(), o, true, t2, importedFrom, display))
                    : resolve(next.get(), Optional.of(sym), 0, false, t2, importedFrom, display);
        }
        if (r.isEmpty()) {
            if (through.size() < MAX_FORWARDS) report(BindReason.BindForwarderNOT, importedFrom, 0, new BindParameter.ForwarderName(display, text));
            return Optional.empty();
        }
        report(BindReason.BindForwarder, importedFrom, r.get().va(), new BindParameter.ForwarderName(display, text));
        return r;
    }

    private static Optional<Integer> parseOrdinal(String s) {
        try {
            return Optional.of(Integer.parseInt(s.substring(1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        Path parent = image.toAbsolutePath().getParent();
        if (parent != null) dirs.add(parent);
        dirs.addAll(sp.extraDirs());
        return dirs;
    }

    private List<String> trail(String name) {
        return searchDirs().stream().map(d -> d.resolve(name) + " (" + rule(d) + ")").toList();
    }

    private String rule(Path dir) {
        Path parent = image.toAbsolutePath().getParent();
        return dir.equals(parent) ? "image directory" : "search path";
    }

    /** The DLL for a name, looked up once: the first directory holding a file of that name in any case. */
    private Optional<Dll> dll(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        Optional<Dll> known = dlls.get(key);
        if (known != null) return known;
        dlls.put(key, Optional.empty());        // a forwarder loop back to a DLL being opened finds nothing
        Optional<Dll> found = Optional.empty();
        for (Path dir : searchDirs()) {
            Optional<Path> file = findIgnoringCase(dir, name);
            if (file.isEmpty()) continue;
            try {
                PeImage pe = PeImage.open(file.get());
                found = Optional.of(new Dll(name, file.get(), pe, PeExports.read(pe), rule(dir)));
                break;
            } catch (IOException | FormatException e) {
                // not a usable DLL: keep looking, as the loader would
            }
        }
        dlls.put(key, found);
        return found;
    }

    private static Optional<Path> findIgnoringCase(Path dir, String name) {
        Path exact = dir.resolve(name);
        if (Files.isRegularFile(exact)) return Optional.of(exact);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().equalsIgnoreCase(name) && Files.isRegularFile(p)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String stamp(PeImage pe) {
        return String.format("%08x", pe.fileHeader().timeDateStamp());
    }

    private static String machine(int m) {
        return switch (m) {
            case PeImage.IMAGE_FILE_MACHINE_AMD64 -> "x86-64";
            case PeImage.IMAGE_FILE_MACHINE_I386 -> "i386";
            case PeImage.IMAGE_FILE_MACHINE_ARM64 -> "ARM64";
            default -> String.format("machine 0x%x", m);
        };
    }
}
