package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * The dynamic symbol table ({@code DT_SYMTAB}/{@code DT_STRTAB}) with name lookup through the
 * object's own {@code DT_GNU_HASH} or {@code DT_HASH} table, as ld.so looks symbols up, so that a
 * lookup costs a few probes instead of decoding every name. The symbol count comes from the
 * hash tables, as ld.so would see it, else from the {@code .dynsym} section (ELF stores no count).
 * Immutable; lookups allocate nothing but their result.
 */
public final class DynamicSymbols {
    private final ByteReader table;
    private final ByteReader strtab;
    private final boolean is64;
    private final int entSize;
    private final int count;
    private final GnuHash gnu;      // null when absent or unusable
    private final SysvHash sysv;    // null when absent or unusable

    /** Bloom words and buckets are copied out once: every lookup in every object of a scope probes them. */
    private record GnuHash(int nbuckets, int symoffset, int bloomSize, int bloomShift, long[] bloom,
                           int[] buckets, ByteReader chains) {}
    private static final int[] NONE = new int[0];
    private record SysvHash(int nbucket, int nchain, ByteReader buckets, ByteReader chains) {}

    private DynamicSymbols(ByteReader table, ByteReader strtab, boolean is64, int count, GnuHash gnu, SysvHash sysv) {
        this.table = table;
        this.strtab = strtab;
        this.is64 = is64;
        this.entSize = is64 ? 24 : 16;
        this.count = count;
        this.gnu = gnu;
        this.sysv = sysv;
    }

    /** An empty table, for objects without {@code DT_SYMTAB}. */
    public static DynamicSymbols empty(boolean is64) {
        return new DynamicSymbols(ByteReader.of(new byte[0], java.nio.ByteOrder.LITTLE_ENDIAN),
                ByteReader.of(new byte[0], java.nio.ByteOrder.LITTLE_ENDIAN), is64, 0, null, null);
    }

    public static DynamicSymbols read(ByteReader file, ElfHeader eh, DynamicSection dyn, List<SectionHeader> sections) {
        OptionalLong symAddr = dyn.value(DynamicSection.DT_SYMTAB);
        if (symAddr.isEmpty() || dyn.strtab() == null) return empty(eh.is64());
        LoadMap map = dyn.loadMap();
        int entSize = eh.is64() ? 24 : 16;
        GnuHash gnu = null;
        SysvHash sysv = null;
        OptionalLong gh = dyn.value(DynamicSection.DT_GNU_HASH);
        if (gh.isPresent()) {
            ByteReader h = map.sliceToSegmentEnd(file, "GNU hash table", gh.getAsLong());
            int nb = checkedCount(h.u32("GNU hash nbuckets", 0), "GNU hash nbuckets", h.base());
            int symoff = checkedCount(h.u32("GNU hash symoffset", 4), "GNU hash symoffset", h.base());
            int bsize = checkedCount(h.u32("GNU hash bloom size", 8), "GNU hash bloom size", h.base());
            int bshift = (int) h.u32("GNU hash bloom shift", 12);
            int word = eh.is64() ? 8 : 4;
            long bloomOff = 16;
            long bucketsOff = bloomOff + (long) bsize * word;
            long chainsOff = bucketsOff + 4L * nb;
            if (nb > 0 && bsize > 0) {
                ByteReader bloomR = h.slice("GNU hash bloom", bloomOff, (long) bsize * word);
                ByteReader bucketR = h.slice("GNU hash buckets", bucketsOff, 4L * nb);
                long[] bloom = new long[bsize];
                for (int i = 0; i < bsize; i++) {
                    bloom[i] = eh.is64() ? bloomR.u64("GNU hash bloom", 8L * i) : bloomR.u32("GNU hash bloom", 4L * i);
                }
                int[] buckets = new int[nb];
                for (int i = 0; i < nb; i++) buckets[i] = bucketR.s32("GNU hash bucket", 4L * i);
                gnu = new GnuHash(nb, symoff, bsize, bshift, bloom, buckets,
                        h.slice("GNU hash chains", chainsOff, h.size() - Math.min(h.size(), chainsOff)));
            }
        }
        OptionalLong sh = dyn.value(DynamicSection.DT_HASH);
        if (sh.isPresent()) {
            ByteReader h = map.sliceToSegmentEnd(file, "ELF hash table", sh.getAsLong());
            int nb = checkedCount(h.u32("ELF hash nbucket", 0), "ELF hash nbucket", h.base());
            int nc = checkedCount(h.u32("ELF hash nchain", 4), "ELF hash nchain", h.base());
            if (nb > 0) {
                sysv = new SysvHash(nb, nc, h.slice("ELF hash buckets", 8, 4L * nb), h.slice("ELF hash chains", 8 + 4L * nb, 4L * nc));
            }
        }
        long count = -1;
        if (sysv != null) count = sysv.nchain();
        if (count < 0 && gnu != null) count = gnuCount(gnu);
        for (SectionHeader s : sections) {
            if (count < 0 && s.type() == SectionHeader.SHT_DYNSYM && s.addr() == symAddr.getAsLong() && s.entsize() == entSize) {
                count = s.size() / entSize;
            }
        }
        if (count < 0) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, symAddr.getAsLong(), "dynamic symbol table",
                    "no section header, DT_HASH or DT_GNU_HASH gives the number of dynamic symbols");
        }
        ByteReader table = map.slice(file, "dynamic symbol table", symAddr.getAsLong(), count * entSize);
        return new DynamicSymbols(table, dyn.strtab(), eh.is64(), (int) count, gnu, sysv);
    }

    private static int checkedCount(long v, String what, long offset) {
        if (v > Integer.MAX_VALUE / 8) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "count " + v + " is not plausible");
        }
        return (int) v;
    }

    /** The GNU hash table has no count: the last chain of the highest bucket ends at the last symbol. */
    private static long gnuCount(GnuHash g) {
        long max = 0;
        for (int b = 0; b < g.nbuckets(); b++) max = Math.max(max, g.buckets()[b] & 0xffffffffL);
        if (max < g.symoffset()) return g.symoffset();
        long i = max;
        while (true) {
            long ch = g.chains().u32("GNU hash chain", 4L * (i - g.symoffset()));
            if ((ch & 1) != 0) return i + 1;
            i++;
        }
    }

    public int count() { return count; }

    public DynamicSymbol symbol(int i) {
        return symbol(i, null);
    }

    /**
     * Symbol {@code i}; {@code knownName} (when not null) is used instead of decoding the name
     * again, for callers that found the symbol by that name.
     */
    public DynamicSymbol symbol(int i, String knownName) {
        String w = "dynamic symbol";
        long o = (long) i * entSize;
        if (i < 0 || i >= count) throw FormatException.outOfBounds(w + " " + i, table.base() + o, entSize);
        String name = knownName;
        if (name == null) {
            long nameOff = table.u32(w, o);
            name = nameOff == 0 ? "" : strtab.cString("dynamic symbol name", nameOff, 65536);
        }
        if (is64) {
            return new DynamicSymbol(i, name, table.u64(w, o + 8), table.u64(w, o + 16), table.u8(w, o + 4),
                    table.u8(w, o + 5), table.u16(w, o + 6));
        }
        return new DynamicSymbol(i, name, table.u32(w, o + 4), table.u32(w, o + 8), table.u8(w, o + 12),
                table.u8(w, o + 13), table.u16(w, o + 14));
    }

    /** The section index of symbol {@code i} without decoding its name (for cheap filtering). */
    public int shndx(int i) {
        return table.u16("dynamic symbol", (long) i * entSize + (is64 ? 6 : 14));
    }

    /** The GNU hash of a name (Bernstein's h*33+c), as {@code DT_GNU_HASH} and ld.so use it. */
    public static int gnuHash(byte[] name) {
        int h = 5381;
        for (byte b : name) h = h * 33 + (b & 0xff);
        return h;
    }

    /** The System V ELF hash of a name, as {@code DT_HASH} and {@code vna_hash}/{@code vd_hash} use it. */
    public static long elfHash(byte[] name) {
        long h = 0;
        for (byte b : name) {
            h = (h << 4) + (b & 0xff);
            long g = h & 0xf0000000L;
            if (g != 0) h ^= g >>> 24;
            h &= ~g;
        }
        return h & 0xffffffffL;
    }

    /**
     * Indices of the symbols named {@code name} (UTF-8 bytes), in table order, through the hash
     * table; falls back to a linear scan for objects without one. The result may be empty.
     */
    public int[] lookup(byte[] name, int gnuHashValue) {
        int[] out = new int[4];
        int n = 0;
        if (gnu != null) {
            int wordBits = is64 ? 64 : 32;
            long h = gnuHashValue & 0xffffffffL;
            long idx = (h / wordBits) % gnu.bloomSize();
            long word = gnu.bloom()[(int) idx];
            long mask = (1L << (h % wordBits)) | (1L << ((h >>> (gnu.bloomShift() & 31)) % wordBits));
            if ((word & mask) != mask) return NONE;
            long sym = gnu.buckets()[(int) (h % gnu.nbuckets())] & 0xffffffffL;
            if (sym == 0) return NONE;
            for (long i = sym; i < count; i++) {
                if (i < gnu.symoffset()) break;
                long ch = gnu.chains().u32("GNU hash chain", 4 * (i - gnu.symoffset()));
                if ((ch | 1) == (h | 1) && nameEquals((int) i, name)) {
                    if (n == out.length) out = Arrays.copyOf(out, n * 2);
                    out[n++] = (int) i;
                }
                if ((ch & 1) != 0) break;
            }
            return Arrays.copyOf(out, n);
        }
        if (sysv != null) {
            long h = elfHash(name);
            long i = sysv.buckets().u32("ELF hash bucket", 4 * (h % sysv.nbucket()));
            for (int steps = 0; i != 0 && steps <= sysv.nchain(); steps++) {
                if (i >= count || i >= sysv.nchain()) break;
                if (nameEquals((int) i, name)) {
                    if (n == out.length) out = Arrays.copyOf(out, n * 2);
                    out[n++] = (int) i;
                }
                i = sysv.chains().u32("ELF hash chain", 4 * i);
            }
            // table order, as a chain may list them backwards
            int[] r = Arrays.copyOf(out, n);
            Arrays.sort(r);
            return r;
        }
        for (int i = 1; i < count; i++) {
            if (nameEquals(i, name)) {
                if (n == out.length) out = Arrays.copyOf(out, n * 2);
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    public int[] lookup(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return lookup(b, gnuHash(b));
    }

    private boolean nameEquals(int i, byte[] name) {
        long nameOff = table.u32("dynamic symbol", (long) i * entSize);
        if (!strtab.contains(nameOff, name.length + 1L)) return false;
        for (int k = 0; k < name.length; k++) {
            if ((byte) strtab.u8("dynamic symbol name", nameOff + k) != name[k]) return false;
        }
        return strtab.u8("dynamic symbol name", nameOff + name.length) == 0;
    }
}
