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
import dev.sextant.engine.format.elf.DynamicObject;
import dev.sextant.engine.format.elf.DynamicSection;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The image binder ({@code BindImageEx}); PE images go to {@link PeBinder}. For ELF: loads an image's libraries as glibc's ld.so would
 * (breadth-first from the image, each file once, filtees before their filter), then binds every
 * undefined dynamic symbol (and every copy relocation) against the global scope in ld.so's
 * lookup order with symbol versions, telling the status routine about each module and each
 * procedure as it goes. Never maps anything executable and never runs the file. One binder may
 * bind many images (parsed files are shared); not thread-safe: call it from one thread, and give
 * other threads a {@link #sibling}.
 */
public final class Binder {
    private final LibraryResolver resolver;
    /** Each file's imports, decoded once however many binds share it. */
    private final Map<DynamicObject, List<SymbolLookup.Import>> imports = new IdentityHashMap<>();
    /** Every distinct symbol reference met so far: equal references of different files are one object. */
    private final Map<SymbolLookup.SymbolRef, SymbolLookup.SymbolRef> references = new java.util.HashMap<>();
    /** A number for each parsed file, for the references' per-file memory. */
    private final Map<DynamicObject, Integer> fileIds = new IdentityHashMap<>();

    public Binder() {
        this(new LibraryResolver());
    }

    private Binder(LibraryResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * A binder for another thread that shares this one's parsed files (each file is read once for
     * both); each binder itself stays single-threaded.
     */
    public Binder sibling() {
        return new Binder(resolver.sharing());
    }

    /**
     * Binds {@code image}. With a {@code symbolPath} (a debug directory such as /usr/lib/debug), each
     * module's separate debug file found there is checked against the module (build-id, else the
     * {@code .gnu_debuglink} CRC) and a mismatch is reported as {@code BindMismatchedSymbols}.
     *
     * @throws FormatException when the image is not an ELF file at all (a broken dynamic table is
     *                         instead reported as {@code BindRvaToVaFailed} and in the result)
     * @throws IOException     when the image cannot be read
     */
    public BindResult bind(Path image, SearchPath searchPath, Optional<Path> symbolPath, Set<BindFlag> flags,
                           BindStatusRoutine routine) throws IOException {
        if (isPe(image)) return PeBinder.bind(image, searchPath, flags, routine);
        if (flags.contains(BindFlag.UPDATE_COPY)) {
            throw new IllegalArgumentException("update-a-copy applies to PE images; an ELF bind only analyses");
        }
        return new Session(image, searchPath, symbolPath, flags.contains(BindFlag.ALL_IMAGES), routine).run();
    }

    /** Thrown out of the status routine's caller when the routine says stop. */
    private static final class Stop extends RuntimeException {
        Stop() { super(null, null, false, false); }
    }

    private final class Session {
        final Path image;
        final SearchPath sp;
        final boolean allImages;
        final Optional<Path> symbolPath;
        final BindStatusRoutine routine;
        SearchPlatform pf;
        LoadedObject main;
        final List<LoadedObject> loaded = new ArrayList<>();     // ld.so's namespace list
        final List<LoadedObject> scope = new ArrayList<>();      // the global search list
        final List<Object> moduleOrder = new ArrayList<>();      // LoadedObject or Failed, as met
        final Map<LoadedObject, List<Procedure>> procedures = new IdentityHashMap<>();
        final Map<String, SymbolLookup.Hit> unique = new java.util.HashMap<>();
        final Set<String> missing = new LinkedHashSet<>();
        final List<Unresolved> unresolved = new ArrayList<>();
        final Set<String> failedNames = new HashSet<>();
        Optional<String> imageFailure = Optional.empty();

        record Failed(String name, String neededBy, String message, List<String> trail) {}

        Session(Path image, SearchPath sp, Optional<Path> symbolPath, boolean allImages, BindStatusRoutine routine) {
            this.image = image;
            this.symbolPath = symbolPath;
            this.sp = sp;
            this.allImages = allImages;
            this.routine = routine;
        }

        void report(BindReason reason, String imageName, String dllName, long va, BindParameter p) {
            if (!routine.status(reason, imageName, dllName, va, p)) throw new Stop();
        }

        BindResult run() throws IOException {
            ElfHeader eh = ElfHeader.read(ByteReader.of(DynamicObject.head(image, 64), ByteOrder.LITTLE_ENDIAN));   // not ELF: a typed error for the caller
            boolean stopped = false;
            try {
                DynamicObject elf;
                try {
                    elf = DynamicObject.read(image);
                } catch (FormatException e) {
                    imageFailure = Optional.of(e.getMessage());
                    report(BindReason.BindRvaToVaFailed, image.toString(), "", e.offset(),
                            new BindParameter.Failure(e.getMessage(), List.of()));
                    return result(eh, false);
                }
                pf = sp.platform().orElseGet(() -> SearchPlatform.detect(eh));
                Path real = image.toRealPath();
                main = new LoadedObject(image.toString(), image.toAbsolutePath(), real, fileKey(real), elf, null, "image",
                        List.of(), parentOf(real));
                loaded.add(main);
                moduleOrder.add(main);
                addInterpreter(elf);
                loadAll();
                if (symbolPath.isPresent()) checkSymbols(symbolPath.get());
                List<LoadedObject> importers = allImages ? List.copyOf(scope) : List.of(main);
                for (LoadedObject o : loaded) o.fileId = fileIds.computeIfAbsent(o.elf, k -> fileIds.size());
                SymbolLookup lookup = new SymbolLookup(scope, main, unique);
                for (LoadedObject o : importers) bindImports(o, lookup);
            } catch (Stop s) {
                stopped = true;
            }
            return result(eh, stopped);
        }

        /** ld.so itself is loaded before anything and matches its PT_INTERP path and its soname. */
        void addInterpreter(DynamicObject elf) {
            String interp = elf.interpreter().orElse(pf.defaultInterpreter());
            if (interp.isEmpty()) return;
            Path p = Path.of(interp);
            try {
                if (!Files.isRegularFile(p)) return;
                DynamicObject rtld = resolver.open(p);
                ElfHeader h = rtld.header();
                if (h.is64() != elf.header().is64() || h.machine() != elf.header().machine()) return;
                Path real = p.toRealPath();
                LoadedObject o = new LoadedObject(interp, p, real, fileKey(real), rtld, null, "interpreter (PT_INTERP)",
                        List.of(), parentOf(p.toAbsolutePath()));
                o.names.add(interp);
                loaded.add(o);
            } catch (IOException | FormatException e) {
                // an unreadable interpreter is simply not pre-loaded; a DT_NEEDED on it is then searched for
            }
        }

        /** _dl_map_object_deps: breadth-first, filtees inserted before their filter and processed next. */
        void loadAll() {
            scope.add(main);
            main.inScope = true;
            Set<LoadedObject> done = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            int i = 0;
            while (i < scope.size()) {
                LoadedObject obj = scope.get(i);
                if (!done.add(obj)) { i++; continue; }
                Optional<DynamicSection> dyn = obj.elf.dynamic();
                if (dyn.isEmpty()) continue;
                for (DynamicSection.Entry e : dyn.get().entries()) {
                    long tag = e.tag();
                    if (tag != DynamicSection.DT_NEEDED && tag != DynamicSection.DT_FILTER && tag != DynamicSection.DT_AUXILIARY) continue;
                    String name;
                    try {
                        name = dyn.get().string(e.value(), "dynamic entry string");
                    } catch (FormatException ex) {
                        report(BindReason.BindRvaToVaFailed, obj.path.toString(), "", e.value(),
                                new BindParameter.Failure(ex.getMessage(), List.of()));
                        continue;
                    }
                    if (tag == DynamicSection.DT_NEEDED) {
                        LoadedObject lo = load(name, obj, true);
                        if (lo != null && !lo.inScope) {
                            scope.add(lo);
                            lo.inScope = true;
                        }
                    } else {
                        LoadedObject lo = load(name, obj, tag == DynamicSection.DT_FILTER);
                        if (lo == null) {
                            report(BindReason.BindForwarderNOT, obj.path.toString(), name, 0,
                                    new BindParameter.ForwarderName("*", name));
                            continue;
                        }
                        obj.filtees.add(lo);
                        report(BindReason.BindForwarder, obj.path.toString(), obj.displayName(), 0,
                                new BindParameter.ForwarderName("*", lo.path.toString()));
                        if (!lo.inScope) {
                            scope.add(scope.indexOf(obj), lo);
                            lo.inScope = true;
                            lo.filterOf = obj;
                        }
                    }
                }
            }
        }

        /** _dl_map_object: an object already loaded under that name or soname, else a search. */
        LoadedObject load(String name, LoadedObject loader, boolean mandatory) {
            for (LoadedObject o : loaded) {
                if (o.matches(name) && !(o == main && name.equals(main.name))) {
                    o.names.add(name);
                    if (!moduleOrder.contains(o)) {
                        moduleOrder.add(o);
                        o.shownAs = name;
                        o.neededFirstBy = loader;
                    }
                    report(BindReason.BindImportModule, loader.path.toString(), name, 0,
                            new BindParameter.ModuleFound(o.path.toString(), o == main ? "image" : "already loaded"));
                    return o;
                }
            }
            LibraryResolver.Outcome out = resolver.resolve(name, loader, main, main.elf.header(), sp, pf);
            if (out.notFound().isPresent()) {
                LibraryResolver.NotFound nf = out.notFound().get();
                if (mandatory) missing.add(name);
                if (failedNames.add(name)) moduleOrder.add(new Failed(name, loader.displayName(), nf.message(), nf.trail()));
                report(BindReason.BindImportModuleFailed, loader.path.toString(), name, 0,
                        new BindParameter.Failure(nf.message(), nf.trail()));
                return null;
            }
            LibraryResolver.Found f = out.found().get();
            Path real;
            Object key;
            try {
                real = f.path().toRealPath();
                key = fileKey(real);
            } catch (IOException e) {
                real = f.path();
                key = f.path();
            }
            for (LoadedObject o : loaded) {
                if (o.fileKey.equals(key)) {        // _dl_file_id_match_p: same device and inode
                    o.names.add(name);
                    report(BindReason.BindImportModule, loader.path.toString(), name, 0,
                            new BindParameter.ModuleFound(o.path.toString(), "already loaded"));
                    return o;
                }
            }
            LoadedObject lo = new LoadedObject(name, f.path(), real, key, f.elf(), loader, f.foundBy(), f.trail(),
                    parentOf(f.path()));
            lo.names.add(name);
            loaded.add(lo);
            moduleOrder.add(lo);
            report(BindReason.BindImportModule, loader.path.toString(), name, 0,
                    new BindParameter.ModuleFound(lo.path.toString(), lo.foundBy));
            return lo;
        }

        void checkSymbols(Path dir) {
            for (LoadedObject o : scope) {
                Optional<DebugFileCheck.Mismatch> m = DebugFileCheck.check(dir, o.path, o.elf);
                if (m.isPresent()) {
                    report(BindReason.BindMismatchedSymbols, main.path.toString(), o.displayName(), 0,
                            new BindParameter.SymbolFile(m.get().debugFile().toString()));
                }
            }
        }

        void bindImports(LoadedObject o, SymbolLookup lookup) {
            List<Procedure> list = new ArrayList<>();
            procedures.put(o, list);
            String imageName = o.path.toString();
            try {
                List<SymbolLookup.Import> list0 = imports.get(o.elf);
                if (list0 == null) {
                    list0 = SymbolLookup.imports(o.elf, references);
                    imports.put(o.elf, list0);
                }
                String fromName = o.displayName();
                for (SymbolLookup.Import imp : list0) {
                    SymbolLookup.Resolution r = lookup.resolve(o, imp);
                    Procedure p = r.procedure(imp);
                    list.add(p);
                    SymbolLookup.SymbolRef ref = imp.ref();
                    String dll = r.module() != null ? r.module().displayName()
                            : ref.version != null && ref.version.file().isPresent() ? ref.version.file().get() : "";
                    if (p.status().failed()) {
                        unresolved.add(new Unresolved(fromName, ref.name, p.version()));
                        report(BindReason.BindImportProcedureFailed, imageName, dll, 0, ref.parameter);
                    } else {
                        report(BindReason.BindImportProcedure, imageName, dll, p.address(), ref.parameter);
                        if (p.status() == Status.FORWARDED) {
                            report(BindReason.BindForwarder, imageName, dll, p.address(),
                                    new BindParameter.ForwarderName(ref.name, p.forwardedTo().orElse("")));
                        }
                    }
                }
            } catch (FormatException e) {
                report(BindReason.BindRvaToVaFailed, imageName, "", e.offset(), new BindParameter.Failure(e.getMessage(), List.of()));
            }
            List<BoundImport> table = new ArrayList<>();
            for (String n : o.elf.needed()) {
                LoadedObject m = null;
                for (LoadedObject x : loaded) {
                    if (x.names.contains(n)) { m = x; break; }
                }
                if (m == null) {
                    table.add(new BoundImport(n, Optional.empty(), "", List.of()));
                } else {
                    List<String> filtees = new ArrayList<>(m.filtees.size());
                    for (LoadedObject f : m.filtees) filtees.add(f.displayName());
                    table.add(new BoundImport(n, Optional.of(m.path.toString()), m.elf.buildId().orElse(""), List.copyOf(filtees)));
                }
            }
            report(BindReason.BindImageComplete, imageName, "", 0, new BindParameter.BoundImports(List.copyOf(table)));
        }

        BindResult result(ElfHeader eh, boolean stopped) {
            List<Module> modules = new ArrayList<>();
            if (moduleOrder.isEmpty()) {
                modules.add(new Module(image.toString(), Optional.of(image.toString()), "image", Optional.empty(), List.of(),
                        Optional.empty(), imageFailure, List.of()));
            }
            for (Object x : moduleOrder) {
                if (x instanceof LoadedObject o) {
                    LoadedObject by = o.loader != null ? o.loader : o.neededFirstBy;
                    modules.add(new Module(o.displayName(), Optional.of(o.path.toString()), o.foundBy,
                            Optional.ofNullable(by).map(LoadedObject::displayName), o.trail, o.elf.buildId(),
                            o == main ? imageFailure : Optional.empty(), List.copyOf(procedures.getOrDefault(o, List.of()))));
                } else if (x instanceof Failed f) {
                    modules.add(new Module(f.name(), Optional.empty(), "not found", Optional.of(f.neededBy()), f.trail(),
                            Optional.empty(), Optional.of(f.message()), List.of()));
                }
            }
            String format = (eh.is64() ? "ELF64 " : "ELF32 ") + eh.machineName();
            return new BindResult(image.toString(), format, List.copyOf(modules), List.copyOf(missing), List.copyOf(unresolved), stopped);
        }
    }

    private static boolean isPe(Path image) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(image)) {
            byte[] m = in.readNBytes(2);
            return m.length == 2 && m[0] == 'M' && m[1] == 'Z';
        }
    }

    static String parentOf(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        return parent == null ? "/" : parent.toString();
    }

    static Object fileKey(Path p) throws IOException {
        Object k = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        return k != null ? k : p.toRealPath();
    }
}
