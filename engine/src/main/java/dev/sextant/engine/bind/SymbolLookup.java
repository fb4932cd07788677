package dev.sextant.engine.bind;

import dev.sextant.engine.bind.BindResult.Procedure;
import dev.sextant.engine.bind.BindResult.Status;
import dev.sextant.engine.format.elf.DynamicRelocations;
import dev.sextant.engine.format.elf.DynamicSymbol;
import dev.sextant.engine.format.elf.DynamicSymbols;
import dev.sextant.engine.format.elf.SymbolVersions;
import dev.sextant.engine.format.elf.SymbolVersions.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Symbol lookup as glibc's {@code _dl_lookup_symbol_x}/{@code do_lookup_x}/{@code check_match}:
 * walk the global scope (the object itself first under {@code DT_SYMBOLIC}), take the first
 * global or weak definition whose version fits, let {@code STB_GNU_UNIQUE} symbols have one
 * definition for everybody, and skip the executable for copy relocations. Single-threaded.
 */
final class SymbolLookup {
    private static final int ALLOWED_STT = (1 << DynamicSymbol.STT_NOTYPE) | (1 << DynamicSymbol.STT_OBJECT)
            | (1 << DynamicSymbol.STT_FUNC) | (1 << DynamicSymbol.STT_COMMON) | (1 << DynamicSymbol.STT_TLS)
            | (1 << DynamicSymbol.STT_GNU_IFUNC);

    /** One import of an object: an undefined dynamic symbol or a copy-relocated one. */
    record Import(int index, String name, Optional<Version> version, boolean weak, boolean copy, boolean plt) {}

    /** A definition: the object and the symbol. */
    record Hit(LoadedObject module, DynamicSymbol symbol) {}

    /** The procedure as recorded, and the module it was bound in (null when not bound). */
    record Outcome(Procedure procedure, LoadedObject module) {}

    private final List<LoadedObject> scope;
    private final LoadedObject main;
    private final Map<String, Hit> unique;

    SymbolLookup(List<LoadedObject> scope, LoadedObject main, Map<String, Hit> unique) {
        this.scope = scope;
        this.main = main;
        this.unique = unique;
    }

    /** The imports of an object in {@code .dynsym} order; versions only where ld.so would use them (hash ≠ 0). */
    static List<Import> imports(LoadedObject o) {
        DynamicSymbols syms = o.elf.symbols();
        SymbolVersions vers = o.elf.versions();
        DynamicRelocations rel = o.elf.relocations();
        List<Import> out = new ArrayList<>();
        for (int i = 1; i < syms.count(); i++) {
            boolean copy = rel.copied().get(i);
            if (syms.shndx(i) != DynamicSymbol.SHN_UNDEF && !copy) continue;
            DynamicSymbol s = syms.symbol(i);
            if (s.binding() == DynamicSymbol.STB_LOCAL || s.name().isEmpty()) continue;
            int ndx = vers.versym(i) & 0x7fff;
            Optional<Version> v = ndx >= 2 ? vers.version(ndx).filter(x -> x.hash() != 0) : Optional.empty();
            out.add(new Import(i, s.name(), v, s.binding() == DynamicSymbol.STB_WEAK, copy, rel.plt().get(i)));
        }
        return out;
    }

    Outcome resolve(LoadedObject from, Import imp) {
        byte[] name = imp.name().getBytes(StandardCharsets.UTF_8);
        int hash = DynamicSymbols.gnuHash(name);
        Optional<String> ver = imp.version().map(Version::name);
        List<LoadedObject> order = scope;
        if (from.symbolic) {
            order = new ArrayList<>(scope.size() + 1);
            order.add(from);
            order.addAll(scope);
        }
        for (LoadedObject m : order) {
            if (imp.copy() && m == main) continue;      // a copy relocation's source is never the executable
            Match r = lookupIn(m, name, hash, imp);
            if (r.symbol != null) {
                int b = r.symbol.binding();
                if (b != DynamicSymbol.STB_GLOBAL && b != DynamicSymbol.STB_WEAK && b != DynamicSymbol.STB_GNU_UNIQUE) continue;
                Hit hit = new Hit(m, r.symbol);
                if (r.symbol.binding() == DynamicSymbol.STB_GNU_UNIQUE) hit = unique.computeIfAbsent(imp.name(), k -> new Hit(m, r.symbol));
                return bound(imp, ver, hit, name, hash);
            }
            // Since glibc 2.30 (BZ #24741) a file named by the version requirement that lacks the
            // symbol no longer stops the lookup: symbols may move between sonames (libpthread → libc).
        }
        Status st = imp.weak() ? Status.WEAK_UNDEFINED : versionMissing(imp) ? Status.VERSION_UNDEFINED : Status.UNDEFINED;
        return new Outcome(new Procedure(imp.name(), imp.index(), ver, st, Optional.empty(), 0, Optional.empty(), imp.copy()), null);
    }

    private Outcome bound(Import imp, Optional<String> ver, Hit hit, byte[] name, int hash) {
        LoadedObject m = hit.module();
        LoadedObject filter = m.filterOf;
        if (filter != null && definesSymbol(filter, name, hash)) {
            return new Outcome(new Procedure(imp.name(), imp.index(), ver, Status.FORWARDED, Optional.of(filter.displayName()),
                    hit.symbol().value(), Optional.of(m.displayName()), imp.copy()), filter);
        }
        return new Outcome(new Procedure(imp.name(), imp.index(), ver, Status.BOUND, Optional.of(m.displayName()),
                hit.symbol().value(), Optional.empty(), imp.copy()), m);
    }

    /** The library the version requirement names is in scope but does not define that version at all. */
    private boolean versionMissing(Import imp) {
        if (imp.version().isEmpty() || imp.version().get().file().isEmpty()) return false;
        String file = imp.version().get().file().get();
        for (LoadedObject m : scope) {
            if (m.matches(file)) {
                return m.elf.versions().defined().stream().noneMatch(v -> v.name().equals(imp.version().get().name()));
            }
        }
        return false;
    }

    private static boolean definesSymbol(LoadedObject o, byte[] name, int hash) {
        for (int i : o.elf.symbols().lookup(name, hash)) if (o.elf.symbols().shndx(i) != DynamicSymbol.SHN_UNDEF) return true;
        return false;
    }

    private record Match(DynamicSymbol symbol) {}

    /** do_lookup_x for one object, with check_match's version rules. */
    private Match lookupIn(LoadedObject m, byte[] name, int hash, Import imp) {
        DynamicSymbols syms = m.elf.symbols();
        int[] cands = syms.lookup(name, hash);
        if (cands.length == 0) return new Match(null);
        SymbolVersions vers = m.elf.versions();
        Version want = imp.version().orElse(null);
        DynamicSymbol versioned = null;
        int numVersions = 0;
        for (int idx : cands) {
            DynamicSymbol s = syms.symbol(idx, imp.name());
            int stt = s.type();
            if (s.undefined() && (imp.plt() || s.value() == 0)) continue;
            if (s.value() == 0 && s.shndx() != DynamicSymbol.SHN_ABS && stt != DynamicSymbol.STT_TLS) continue;
            if (((1 << stt) & ALLOWED_STT) == 0) continue;
            if (want != null) {
                if (vers.hasVersym()) {
                    int vs = vers.versym(idx);
                    int ndx = vs & 0x7fff;
                    Optional<Version> dv = ndx >= 2 ? vers.version(ndx) : Optional.empty();
                    long dhash = dv.map(Version::hash).orElse(0L);
                    boolean same = dv.isPresent() && dv.get().name().equals(want.name());
                    if (!same && (want.hidden() || dhash != 0 || (vs & SymbolVersions.VERSYM_HIDDEN) != 0)) continue;
                }
            } else if (vers.hasVersym()) {
                int vs = vers.versym(idx);
                if ((vs & 0x7fff) >= 3) {
                    // not the oldest version: usable only if it is the one default (non-hidden) version
                    if ((vs & SymbolVersions.VERSYM_HIDDEN) == 0 && numVersions++ == 0) versioned = s;
                    continue;
                }
            }
            return new Match(s);
        }
        return new Match(numVersions == 1 ? versioned : null);
    }
}
