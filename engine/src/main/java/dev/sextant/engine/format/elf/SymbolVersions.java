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

    private final short[] versym;                // null: no .gnu.version; copied out once, read per lookup
    private final long versymBase;
    private final Version[] byIndex;             // by index (without the hidden bit); null entries for unknown ones
    private final List<Version> defined;
    private final List<Needed> needed;

    private SymbolVersions(short[] versym, long versymBase, Version[] byIndex, List<Version> defined, List<Needed> needed) {
        this.versym = versym;
        this.versymBase = versymBase;
        this.byIndex = byIndex;
        this.defined = defined;
        this.needed = needed;
    }

    public static SymbolVersions none() {
        return new SymbolVersions(null, 0, new Version[0], List.of(), List.of());
    }

    public static SymbolVersions read(ByteReader file, DynamicSection dyn, int symbolCount) {
        LoadMap map = dyn.loadMap();
        short[] versym = null;
        long versymBase = 0;
        OptionalLong vs = dyn.value(DynamicSection.DT_VERSYM);
        if (vs.isPresent()) {
            ByteReader t = map.slice(file, ".gnu.version", vs.getAsLong(), 2L * symbolCount);
            versym = t.s16Array(".gnu.version", 0, symbolCount);
            versymBase = t.base();
        }
        Map<Integer, Version> byIndex = new HashMap<>();
        List<Version> defined = new ArrayList<>();
        List<Needed> needed = new ArrayList<>();

        OptionalLong vd = dyn.value(DynamicSection.DT_VERDEF);
        if (vd.isPresent()) {
            ByteReader t = map.sliceToSegmentEnd(file, ".gnu.version_d", vd.getAsLong());
            long num = dyn.value(DynamicSection.DT_VERDEFNUM).orElse(0);
            long limit = Math.min(num, t.size() / 20 + 1);
            long pos = 0;
            String w = "version definition";
            for (long i = 0; i < limit; i++) {
                int flags = t.u16(w, pos + 2);
                int ndx = t.u16(w, pos + 4);
                int cnt = t.u16(w, pos + 6);
                long hash = t.u32(w, pos + 8);
                long aux = t.u32(w, pos + 12);
                long next = t.u32(w, pos + 16);
                if (cnt > 0) {
                    String name = dyn.string(t.u32(w, pos + aux), "version definition name");
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
            String w = "version requirement", wa = "version requirement aux";
            for (long i = 0; i < limit; i++) {
                int cnt = t.u16(w, pos + 2);
                String fileName = dyn.string(t.u32(w, pos + 4), "version requirement file");
                long aux = pos + t.u32(w, pos + 8);
                long next = t.u32(w, pos + 12);
                List<Version> versions = new ArrayList<>();
                for (int k = 0; k < cnt && budget-- > 0; k++) {
                    long hash = t.u32(wa, aux);
                    int flags = t.u16(wa, aux + 4);
                    int other = t.u16(wa, aux + 6);
                    String name = dyn.string(t.u32(wa, aux + 8), "version requirement name");
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
        int max = -1;
        for (int k : byIndex.keySet()) max = Math.max(max, k);
        Version[] table = new Version[max + 1];
        byIndex.forEach((k, v) -> table[k] = v);
        return new SymbolVersions(versym, versymBase, table, List.copyOf(defined), List.copyOf(needed));
    }

    public boolean hasVersym() { return versym != null; }

    /** The raw {@code .gnu.version} entry of a symbol (hidden bit included); 1 (global) without a table. */
    public int versym(int symbolIndex) {
        if (versym == null) return VER_NDX_GLOBAL;
        if (symbolIndex < 0 || symbolIndex >= versym.length) {
            throw FormatException.outOfBounds(".gnu.version", versymBase + 2L * symbolIndex, 2);
        }
        return versym[symbolIndex] & 0xffff;
    }

    /** The version an index (without the hidden bit) stands for; empty for 0, 1 and unknown indices. */
    public Optional<Version> version(int index) {
        return Optional.ofNullable(versionAt(index));
    }

    /** As {@link #version} but null when there is none: for symbol lookups, which ask once per candidate. */
    public Version versionAt(int index) {
        int k = index & 0x7fff;
        return k < byIndex.length ? byIndex[k] : null;
    }

    public List<Version> defined() { return defined; }
    public List<Needed> needed() { return needed; }
}
