package dev.sextant.engine.bind;

import dev.sextant.engine.format.elf.DynamicObject;
import dev.sextant.engine.format.elf.DynamicSection;
import dev.sextant.engine.format.io.FormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One object of a bind, as ld.so's {@code link_map}: the file, who loaded it and how. Bind-private, mutable while loading. */
final class LoadedObject {
    final String name;            // the needed name it was first loaded by, or the image path
    final Path path;              // as found (absolute, symlinks kept: ld.so's l_name)
    final Path realPath;
    final Object fileKey;         // device and inode, to catch one file found under two names
    final DynamicObject elf;
    final LoadedObject loader;    // the object whose DT_NEEDED loaded it; null for the image and ld.so
    final String foundBy;
    final List<String> trail;
    final String origin;          // $ORIGIN
    final Set<String> names = new LinkedHashSet<>();
    final List<LoadedObject> filtees = new ArrayList<>();
    String shownAs;               // the interpreter: the needed name that first brought it into scope
    LoadedObject neededFirstBy;
    LoadedObject filterOf;        // set when it was inserted in the scope for a filter
    boolean inScope;
    int fileId = -1;              // the binder's number for the parsed file, the same in every bind that shares it
    final boolean symbolic;       // DT_SYMBOLIC: looks itself up first

    LoadedObject(String name, Path path, Path realPath, Object fileKey, DynamicObject elf, LoadedObject loader,
                 String foundBy, List<String> trail, String origin) {
        this.name = name;
        this.path = path;
        this.realPath = realPath;
        this.fileKey = fileKey;
        this.elf = elf;
        this.loader = loader;
        this.foundBy = foundBy;
        this.trail = List.copyOf(trail);
        this.origin = origin;
        elf.soname().ifPresent(names::add);
        this.symbolic = elf.dynamic().map(DynamicSection::symbolic).orElse(false);
    }

    private Optional<String> rpath, runpath;      // decoded once: every search from this object asks
    private int noDefaultLib = -1;

    Optional<String> rpath() {
        if (rpath == null) {
            // A DT_RUNPATH (even an unreadable one) makes ld.so ignore the object's DT_RPATH.
            boolean hasRunpath = elf.dynamic().isPresent() && elf.dynamic().get().has(DynamicSection.DT_RUNPATH);
            rpath = hasRunpath ? Optional.empty() : string(DynamicSection.DT_RPATH);
        }
        return rpath;
    }

    Optional<String> runpath() {
        if (runpath == null) runpath = string(DynamicSection.DT_RUNPATH);
        return runpath;
    }

    /** A dynamic tag's string; empty when absent or outside the string table (a path there searches nothing). */
    private Optional<String> string(long tag) {
        if (elf.dynamic().isEmpty()) return Optional.empty();
        try {
            return elf.dynamic().get().string(tag);
        } catch (FormatException e) {
            return Optional.empty();
        }
    }

    boolean noDefaultLib() {
        if (noDefaultLib < 0) {
            noDefaultLib = elf.dynamic().isPresent() && (elf.dynamic().get().flags1() & DynamicSection.DF_1_NODEFLIB) != 0 ? 1 : 0;
        }
        return noDefaultLib == 1;
    }

    String displayName() { return shownAs != null ? shownAs : name; }

    private Optional<String> shown;

    /** {@link #displayName} as an Optional, made once: for binding, after loading has settled the name. */
    Optional<String> shownName() {
        if (shown == null) shown = Optional.of(displayName());
        return shown;
    }

    boolean matches(String needed) {
        return names.contains(needed) || path.toString().equals(needed);
    }

    @Override public String toString() { return name + " (" + path + ")"; }
}
