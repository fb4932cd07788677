package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindResult.Procedure;
import dev.sextant.engine.api.BindResult.Status;
import dev.sextant.engine.format.elf.DynamicObject;
import dev.sextant.engine.format.elf.DynamicRelocations;
import dev.sextant.engine.format.elf.DynamicSymbol;
import dev.sextant.engine.format.elf.DynamicSymbols;
import dev.sextant.engine.format.elf.SymbolVersions.Version;
import dev.sextant.engine.format.elf.SymbolVersions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Symbol lookup as glibc's {@code _dl_lookup_symbol_x}/{@code do_lookup_x}/{@code check_match}:
 * walk the global scope (the object itself first under {@code DT_SYMBOLIC}), take the first
 * global or weak definition whose version fits, let {@code STB_GNU_UNIQUE} symbols have one
 * definition for everybody, and skip the executable for copy relocations. In one scope the answer
 * depends only on the reference (name, version, kind), so each distinct reference is looked up
 * once per bind however many objects import it. Single-threaded.
 */
final class SymbolLookup {
    private static final long[] NO_BITS = new long[0];
    private static final int ALLOWED_STT = (1 << DynamicSymbol.STT_NOTYPE) | (1 << DynamicSymbol.STT_OBJECT)
            | (1 << DynamicSymbol.STT_FUNC) | (1 << DynamicSymbol.STT_COMMON) | (1 << DynamicSymbol.STT_TLS)
            | (1 << DynamicSymbol.STT_GNU_IFUNC);

    /**
     * A symbol reference as the lookup sees it: name (with its bytes and GNU hash, computed once),
     * the version asked for (null: none), and the kind of reference. Interned by the {@link Binder}
     * so that equal references of different objects are one object with one {@code id}.
     */
    static final class SymbolRef {
        String name;                  // decoded once, when the reference is first met (see #interned)
        final byte[] bytes;
        final int hash;
        final Version version;
        Optional<String> versionName;
        final boolean weak, copy, plt;
        BindParameter.ProcedureName parameter;
        int id = -1;
        /**
         * Across binds: files (by {@link LoadedObject#fileId}) already probed for this reference, and
         * those that had a match. A file probed without a match is skipped by later binds with a bit
         * test instead of a probe of its hash table (a cache miss each, in every object of a scope).
         */
        private long[] probed = NO_BITS, matched = NO_BITS;

        boolean knownAbsent(int fileId) {
            int w = fileId >>> 6;
            return w < probed.length && (probed[w] & 1L << fileId) != 0 && (matched[w] & 1L << fileId) == 0;
        }

        void remember(int fileId, boolean match) {
            int w = fileId >>> 6;
            if (w >= probed.length) {
                probed = Arrays.copyOf(probed, w + 1);
                matched = Arrays.copyOf(matched, w + 1);
            }
            probed[w] |= 1L << fileId;
            if (match) matched[w] |= 1L << fileId;
        }

        /** A key to look the reference up with: the name stays undecoded until {@link #interned}. */
        SymbolRef(byte[] bytes, Version version, boolean weak, boolean copy, boolean plt) {
            this.bytes = bytes;
            this.hash = DynamicSymbols.gnuHash(bytes);
            this.version = version;
            this.weak = weak;
            this.copy = copy;
            this.plt = plt;
        }

        /** This key becomes the one reference for its name, version and kind. */
        SymbolRef interned(int id) {
            this.id = id;
            this.name = new String(bytes, StandardCharsets.UTF_8);
            this.versionName = version == null ? Optional.empty() : Optional.of(version.name());
            this.parameter = new BindParameter.ProcedureName(name, versionName);
            return this;
        }

        @Override public boolean equals(Object o) {
            if (!(o instanceof SymbolRef r) || r.hash != hash || r.weak != weak || r.copy != copy || r.plt != plt) return false;
            if (!Arrays.equals(r.bytes, bytes)) return false;
            if (version == null || r.version == null) return version == r.version;
            return version.name().equals(r.version.name()) && version.hidden() == r.version.hidden()
                    && version.file().equals(r.version.file());
        }

        @Override public int hashCode() {
            return hash * 31 + (version == null ? 0 : version.name().hashCode()) + (weak ? 1 : 0) + (copy ? 2 : 0) + (plt ? 4 : 0);
        }
    }

    /** One import of an object: an undefined dynamic symbol or a copy-relocated one, and its reference. */
    record Import(int index, SymbolRef ref) {
        String name() { return ref.name; }
        Optional<Version> version() { return Optional.ofNullable(ref.version); }
    }

    /** A definition: the object and the symbol's value. */
    record Hit(LoadedObject module, long value) {}

    /**
     * How a reference came out in this scope: status, the module that satisfied it (null when none),
     * the address, and where it is shown as resolved and forwarded. Shared by every importer.
     */
    record Resolution(Status status, LoadedObject module, long address, Optional<String> resolvedIn, Optional<String> forwardedTo) {
        Procedure procedure(Import imp) {
            return new Procedure(imp.ref.name, imp.index, imp.ref.versionName, status, resolvedIn, address, forwardedTo, imp.ref.copy);
        }
    }

    private final List<LoadedObject> scope;
    private final LoadedObject main;
    private final Map<String, Hit> unique;
    private Resolution[] memo = new Resolution[1024];

    SymbolLookup(List<LoadedObject> scope, LoadedObject main, Map<String, Hit> unique) {
        this.scope = scope;
        this.main = main;
        this.unique = unique;
    }

    /**
     * The imports of an object in {@code .dynsym} order; versions only where ld.so would use them
     * (hash ≠ 0). {@code intern} makes equal references one object.
     */
    static List<Import> imports(DynamicObject elf, Map<SymbolRef, SymbolRef> intern) {
        DynamicSymbols syms = elf.symbols();
        SymbolVersions vers = elf.versions();
        DynamicRelocations rel = elf.relocations();
        java.util.BitSet copied = rel.copied();
        int[] undefined = syms.undefinedIndices();
        List<Import> out = new ArrayList<>(undefined.length + copied.cardinality());
        // the undefined symbols and the copy-relocated ones, merged in table order
        int u = 0, c = copied.nextSetBit(1);
        while (u < undefined.length || (c >= 0 && c < syms.count())) {
            int i;
            if (c < 0 || c >= syms.count() || (u < undefined.length && undefined[u] < c)) {
                i = undefined[u++];
            } else {
                i = c;
                if (u < undefined.length && undefined[u] == c) u++;
                c = copied.nextSetBit(c + 1);
            }
            boolean copy = copied.get(i);
            int binding = syms.info(i) >>> 4;
            if (binding == DynamicSymbol.STB_LOCAL) continue;
            byte[] name = syms.nameBytes(i);
            if (name.length == 0) continue;
            int ndx = vers.versym(i) & 0x7fff;
            Version v = ndx >= 2 ? vers.versionAt(ndx) : null;
            if (v != null && v.hash() == 0) v = null;
            SymbolRef key = new SymbolRef(name, v, binding == DynamicSymbol.STB_WEAK, copy, rel.plt().get(i));
            SymbolRef ref = intern.get(key);
            if (ref == null) {
                ref = key.interned(intern.size());
                intern.put(ref, ref);
            }
            out.add(new Import(i, ref));
        }
        return List.copyOf(out);
    }

    /** The resolution of one import of {@code from}. */
    Resolution resolve(LoadedObject from, Import imp) {
        SymbolRef ref = imp.ref;
        if (from.symbolic) return lookup(ref, from);      // its own order: not shared
        if (ref.id >= memo.length) memo = Arrays.copyOf(memo, Math.max(memo.length * 2, ref.id + 1));
        Resolution r = memo[ref.id];
        if (r == null) memo[ref.id] = r = lookup(ref, null);
        return r;
    }

    private Resolution lookup(SymbolRef ref, LoadedObject first) {
        if (first != null) {
            Resolution r = lookupIn(first, ref);
            if (r != null) return r;
        }
        for (int i = 0, n = scope.size(); i < n; i++) {          // indexed: no iterator per lookup
            LoadedObject m = scope.get(i);
            if (ref.copy && m == main) continue;      // a copy relocation's source is never the executable
            Resolution r = lookupIn(m, ref);
            if (r != null) return r;
            // Since glibc 2.30 (BZ #24741) a file named by the version requirement that lacks the
            // symbol no longer stops the lookup: symbols may move between sonames (libpthread → libc).
        }
        Status st = ref.weak ? Status.WEAK_UNDEFINED : versionMissing(ref) ? Status.VERSION_UNDEFINED : Status.UNDEFINED;
        return new Resolution(st, null, 0, Optional.empty(), Optional.empty());
    }

    private Resolution lookupIn(LoadedObject m, SymbolRef ref) {
        if (ref.knownAbsent(m.fileId)) return null;
        DynamicSymbols syms = m.elf.symbols();
        int idx = match(m, syms, ref);
        ref.remember(m.fileId, idx >= 0);
        if (idx < 0) return null;
        int b = syms.info(idx) >>> 4;
        if (b != DynamicSymbol.STB_GLOBAL && b != DynamicSymbol.STB_WEAK && b != DynamicSymbol.STB_GNU_UNIQUE) return null;
        Hit hit = new Hit(m, syms.value(idx));
        if (b == DynamicSymbol.STB_GNU_UNIQUE) hit = unique.computeIfAbsent(ref.name, k -> new Hit(m, syms.value(idx)));
        return bound(ref, hit);
    }

    private Resolution bound(SymbolRef ref, Hit hit) {
        LoadedObject m = hit.module();
        LoadedObject filter = m.filterOf;
        if (filter != null && definesSymbol(filter, ref)) {
            return new Resolution(Status.FORWARDED, filter, hit.value(), Optional.of(filter.displayName()), Optional.of(m.displayName()));
        }
        return new Resolution(Status.BOUND, m, hit.value(), m.shownName(), Optional.empty());
    }

    /** The library the version requirement names is in scope but does not define that version at all. */
    private boolean versionMissing(SymbolRef ref) {
        if (ref.version == null || ref.version.file().isEmpty()) return false;
        String file = ref.version.file().get();
        for (LoadedObject m : scope) {
            if (m.matches(file)) {
                return m.elf.versions().defined().stream().noneMatch(v -> v.name().equals(ref.version.name()));
            }
        }
        return false;
    }

    private static boolean definesSymbol(LoadedObject o, SymbolRef ref) {
        DynamicSymbols syms = o.elf.symbols();
        for (int i : syms.lookup(ref.bytes, ref.hash)) if (syms.shndx(i) != DynamicSymbol.SHN_UNDEF) return true;
        return false;
    }

    /** do_lookup_x for one object, with check_match's version rules: the matching symbol's index, or -1. */
    private static int match(LoadedObject m, DynamicSymbols syms, SymbolRef ref) {
        int[] cands = syms.lookup(ref.bytes, ref.hash);
        if (cands.length == 0) return -1;
        SymbolVersions vers = m.elf.versions();
        Version want = ref.version;
        int versioned = -1;
        int numVersions = 0;
        for (int idx : cands) {
            int stt = syms.info(idx) & 0xf;
            int shndx = syms.shndx(idx);
            long value = syms.value(idx);
            if (shndx == DynamicSymbol.SHN_UNDEF && (ref.plt || value == 0)) continue;
            if (value == 0 && shndx != DynamicSymbol.SHN_ABS && stt != DynamicSymbol.STT_TLS) continue;
            if (((1 << stt) & ALLOWED_STT) == 0) continue;
            if (want != null) {
                if (vers.hasVersym()) {
                    int vs = vers.versym(idx);
                    int ndx = vs & 0x7fff;
                    Version dv = ndx >= 2 ? vers.versionAt(ndx) : null;
                    long dhash = dv == null ? 0 : dv.hash();
                    boolean same = dv != null && dv.name().equals(want.name());
                    if (!same && (want.hidden() || dhash != 0 || (vs & SymbolVersions.VERSYM_HIDDEN) != 0)) continue;
                }
            } else if (vers.hasVersym()) {
                int vs = vers.versym(idx);
                if ((vs & 0x7fff) >= 3) {
                    // not the oldest version: usable only if it is the one default (non-hidden) version
                    if ((vs & SymbolVersions.VERSYM_HIDDEN) == 0 && numVersions++ == 0) versioned = idx;
                    continue;
                }
            }
            return idx;
        }
        return numVersions == 1 ? versioned : -1;
    }
}
