package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * GNU symbol versioning of one object: {@code .gnu.version} (one index per dynamic symbol),
 * {@code .gnu.version_d} (versions it defines) and {@code .gnu.version_r} (versions it needs, per
 * file). Index 0 is local, 1 global (unversioned); bit 15 of an index marks a hidden (non-default)
 * version. Immutable.
 */
public final class SymbolVersions {
    public static final int VER_NDX_LOCAL = 0, VER_NDX_GLOBAL = 1, VERSYM_HIDDEN = 0x8000, VER_FLG_BASE = 1, VER_FLG_WEAK = 2;

    /** A version an index stands for: defined here ({@code file} empty) or needed from {@code file}. */
    public record Version(int index, String name, long hash, boolean hidden, Optional<String> file, int flags) {}

    /** One {@code Elf64_Verneed} with its {@code Elf64_Vernaux} entries. */
    public record Needed(String file, List<Version> versions) {}

    private final ByteReader versym;             // null: no .gnu.version
    private final Map<Integer, Version> byIndex;
    private final List<Version> defined;
    private final List<Needed> needed;

    private SymbolVersions(ByteReader versym, Map<Integer, Version> byIndex, List<Version> defined, List<Needed> needed) {
        this.versym = versym;
        this.byIndex = byIndex;
        this.defined = defined;
        this.needed = needed;
    }

    public static SymbolVersions none() {
        return new SymbolVersions(null, Map.of(), List.of(), List.of());
    }

    public static SymbolVersions read(ByteReader file, DynamicSection dyn, int symbolCount) {
        LoadMap map = dyn.loadMap();
        ByteReader versym = null;
        OptionalLong vs = dyn.value(DynamicSection.DT_VERSYM);
        if (vs.isPresent()) versym = map.slice(file, ".gnu.version", vs.getAsLong(), 2L * symbolCount);
        Map<Integer, Version> byIndex = new HashMap<>();
        List<Version> defined = new ArrayList<>();
        List<Needed> needed = new ArrayList<>();

        OptionalLong vd = dyn.value(DynamicSection.DT_VERDEF);
        if (vd.isPresent()) {
            ByteReader t = map.sliceToSegmentEnd(file, ".gnu.version_d", vd.getAsLong());
            long num = dyn.value(DynamicSection.DT_VERDEFNUM).orElse(0);
            long limit = Math.min(num, t.size() / 20 + 1);
            long pos = 0;
            for (long i = 0; i < limit; i++) {
                String w = "version definition " + i;
                int flags = t.u16(w, pos + 2);
                int ndx = t.u16(w, pos + 4);
                int cnt = t.u16(w, pos + 6);
                long hash = t.u32(w, pos + 8);
                long aux = t.u32(w, pos + 12);
                long next = t.u32(w, pos + 16);
                if (cnt > 0) {
                    String name = dyn.string(t.u32(w, pos + aux), w + " name");
                    Version v = new Version(ndx & 0x7fff, name, hash, false, Optional.empty(), flags);
                    defined.add(v);
                    byIndex.putIfAbsent(v.index(), v);
                }
                if (next == 0) break;
                pos += next;
            }
        }
        OptionalLong vn = dyn.value(DynamicSection.DT_VERNEED);
        if (vn.isPresent()) {
            ByteReader t = map.sliceToSegmentEnd(file, ".gnu.version_r", vn.getAsLong());
            long num = dyn.value(DynamicSection.DT_VERNEEDNUM).orElse(0);
            long limit = Math.min(num, t.size() / 16 + 1);
            long budget = t.size() / 16 + 1;      // bounds the aux walk of a hostile table
            long pos = 0;
            for (long i = 0; i < limit; i++) {
                String w = "version requirement " + i;
                int cnt = t.u16(w, pos + 2);
                String fileName = dyn.string(t.u32(w, pos + 4), w + " file");
                long aux = pos + t.u32(w, pos + 8);
                long next = t.u32(w, pos + 12);
                List<Version> versions = new ArrayList<>();
                for (int k = 0; k < cnt && budget-- > 0; k++) {
                    String wa = w + " aux " + k;
                    long hash = t.u32(wa, aux);
                    int flags = t.u16(wa, aux + 4);
                    int other = t.u16(wa, aux + 6);
                    String name = dyn.string(t.u32(wa, aux + 8), wa + " name");
                    Version v = new Version(other & 0x7fff, name, hash, (other & VERSYM_HIDDEN) != 0, Optional.of(fileName), flags);
                    versions.add(v);
                    byIndex.putIfAbsent(v.index(), v);
                    long an = t.u32(wa, aux + 12);
                    if (an == 0) break;
                    aux += an;
                }
                needed.add(new Needed(fileName, List.copyOf(versions)));
                if (next == 0) break;
                pos += next;
            }
        }
        return new SymbolVersions(versym, Map.copyOf(byIndex), List.copyOf(defined), List.copyOf(needed));
    }

    public boolean hasVersym() { return versym != null; }

    /** The raw {@code .gnu.version} entry of a symbol (hidden bit included); 1 (global) without a table. */
    public int versym(int symbolIndex) {
        if (versym == null) return VER_NDX_GLOBAL;
        long o = 2L * symbolIndex;
        if (!versym.contains(o, 2)) throw FormatException.outOfBounds(".gnu.version", versym.base() + o, 2);
        return versym.u16(".gnu.version", o);
    }

    /** The version an index (without the hidden bit) stands for; empty for 0, 1 and unknown indices. */
    public Optional<Version> version(int index) {
        return Optional.ofNullable(byIndex.get(index & 0x7fff));
    }

    public List<Version> defined() { return defined; }
    public List<Needed> needed() { return needed; }
}
