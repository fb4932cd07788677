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
    private final byte[] table;     // the whole table, copied out once: every field read is an array read
    private final long tableBase;   // file offset of the table, for messages
    private final boolean littleEndian;
    private final ByteReader strtab;
    private final boolean is64;
    private final int entSize;
    private final int count;
    private final GnuHash gnu;      // null when absent or unusable
    private final SysvHash sysv;    // null when absent or unusable

    /**
     * Bloom words, buckets and chains are copied out once: every lookup in every object of a scope
     * probes them. {@code chains} may be shorter than the symbols after {@code symoffset} in a
     * damaged file; a walk past its end is a {@link FormatException}.
     */
    private record GnuHash(int nbuckets, int symoffset, int bloomSize, int bloomShift, long[] bloom,
                           int[] buckets, int[] chains, long chainsBase) {}
    private static final int[] NONE = new int[0];
    private record SysvHash(int nbucket, int nchain, ByteReader buckets, ByteReader chains) {}

    private DynamicSymbols(byte[] table, long tableBase, boolean littleEndian, ByteReader strtab, boolean is64, int count,
                           GnuHash gnu, SysvHash sysv) {
        this.table = table;
        this.tableBase = tableBase;
        this.littleEndian = littleEndian;
        this.strtab = strtab;
        this.is64 = is64;
        this.entSize = is64 ? 24 : 16;
        this.count = count;
        this.gnu = gnu;
        this.sysv = sysv;
    }

    /** An empty table, for objects without {@code DT_SYMTAB}. */
    public static DynamicSymbols empty(boolean is64) {
        return new DynamicSymbols(new byte[0], 0, true, ByteReader.of(new byte[0], java.nio.ByteOrder.LITTLE_ENDIAN), is64, 0,
                null, null);
    }

    public static DynamicSymbols read(ByteReader file, ElfHeader eh, DynamicSection dyn, List<SectionHeader> sections) {
        OptionalLong symAddr = dyn.value(DynamicSection.DT_SYMTAB);
        if (symAddr.isEmpty() || dyn.strtab() == null) return empty(eh.is64());
        LoadMap map = dyn.loadMap();
        int entSize = eh.is64() ? 24 : 16;
        GnuHash gnu = null;
        SysvHash sysv = null;
        int nb = 0, symoff = 0, bsize = 0, bshift = 0;
        long[] bloom = null;
        int[] buckets = null;
        ByteReader chainsR = null;
        OptionalLong gh = dyn.value(DynamicSection.DT_GNU_HASH);
        if (gh.isPresent()) {
            ByteReader h = map.sliceToSegmentEnd(file, "GNU hash table", gh.getAsLong());
            nb = checkedCount(h.u32("GNU hash nbuckets", 0), "GNU hash nbuckets", h.base());
            symoff = checkedCount(h.u32("GNU hash symoffset", 4), "GNU hash symoffset", h.base());
            bsize = checkedCount(h.u32("GNU hash bloom size", 8), "GNU hash bloom size", h.base());
            bshift = (int) h.u32("GNU hash bloom shift", 12);
            int word = eh.is64() ? 8 : 4;
            long bloomOff = 16;
            long bucketsOff = bloomOff + (long) bsize * word;
            long chainsOff = bucketsOff + 4L * nb;
            if (nb > 0 && bsize > 0) {
                if (eh.is64()) {
                    bloom = h.s64Array("GNU hash bloom", bloomOff, bsize);
                } else {
                    bloom = new long[bsize];
                    int[] words = h.s32Array("GNU hash bloom", bloomOff, bsize);
                    for (int i = 0; i < bsize; i++) bloom[i] = words[i] & 0xffffffffL;
                }
                buckets = h.s32Array("GNU hash buckets", bucketsOff, nb);
                long c = Math.min(h.size(), chainsOff);
                chainsR = h.slice("GNU hash chains", c, h.size() - c);
            }
        }
        OptionalLong sh = dyn.value(DynamicSection.DT_HASH);
        if (sh.isPresent()) {
            ByteReader h = map.sliceToSegmentEnd(file, "ELF hash table", sh.getAsLong());
            int nbs = checkedCount(h.u32("ELF hash nbucket", 0), "ELF hash nbucket", h.base());
            int nc = checkedCount(h.u32("ELF hash nchain", 4), "ELF hash nchain", h.base());
            if (nbs > 0) {
                sysv = new SysvHash(nbs, nc, h.slice("ELF hash buckets", 8, 4L * nbs), h.slice("ELF hash chains", 8 + 4L * nbs, 4L * nc));
            }
        }
        long count = -1;
        if (sysv != null) count = sysv.nchain();
        if (count < 0 && chainsR != null) count = gnuCount(buckets, symoff, chainsR);
        for (SectionHeader s : sections) {
            if (count < 0 && s.type() == SectionHeader.SHT_DYNSYM && s.addr() == symAddr.getAsLong() && s.entsize() == entSize) {
                count = s.size() / entSize;
            }
        }
        if (count < 0) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, symAddr.getAsLong(), "dynamic symbol table",
                    "no section header, DT_HASH or DT_GNU_HASH gives the number of dynamic symbols");
        }
        if (chainsR != null) {
            // The chains cover the symbols from symoffset on; a damaged table may hold fewer, and a
            // walk past what it holds is an error then, not before.
            int nchains = (int) Math.min(chainsR.size() / 4, Math.max(0, count - symoff));
            gnu = new GnuHash(nb, symoff, bsize, bshift, bloom, buckets, chainsR.s32Array("GNU hash chains", 0, nchains),
                    chainsR.base());
        }
        ByteReader table = map.slice(file, "dynamic symbol table", symAddr.getAsLong(), count * entSize);
        return new DynamicSymbols(table.bytes("dynamic symbol table", 0, table.size()), table.base(),
                eh.order() == java.nio.ByteOrder.LITTLE_ENDIAN, dyn.strtab(), eh.is64(), (int) count, gnu, sysv);
    }

    private static int chain(GnuHash g, long symbol) {
        long k = symbol - g.symoffset();
        if (k < 0 || k >= g.chains().length) throw FormatException.outOfBounds("GNU hash chain", g.chainsBase() + 4 * k, 4);
        return g.chains()[(int) k];
    }

    private static int checkedCount(long v, String what, long offset) {
        if (v > Integer.MAX_VALUE / 8) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "count " + v + " is not plausible");
        }
        return (int) v;
    }

    /** The GNU hash table has no count: the last chain of the highest bucket ends at the last symbol. */
    private static long gnuCount(int[] buckets, int symoffset, ByteReader chains) {
        long max = 0;
        for (int b : buckets) max = Math.max(max, b & 0xffffffffL);
        if (max < symoffset) return symoffset;
        for (long i = max; ; i++) {
            if ((chains.u32("GNU hash chain", 4L * (i - symoffset)) & 1) != 0) return i + 1;
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
        int o = offsetOf(i);
        String name = knownName;
        if (name == null) {
            long nameOff = u32(o);
            name = nameOff == 0 ? "" : strtab.cString("dynamic symbol name", nameOff, 65536);
        }
        if (is64) {
            return new DynamicSymbol(i, name, u64(o + 8), u64(o + 16), table[o + 4] & 0xff, table[o + 5] & 0xff, u16(o + 6));
        }
        return new DynamicSymbol(i, name, u32(o + 4), u32(o + 8), table[o + 12] & 0xff, table[o + 13] & 0xff, u16(o + 14));
    }

    /** The name of symbol {@code i} as bytes (empty for none), as {@link #symbol(int)} would decode it. */
    public byte[] nameBytes(int i) {
        long nameOff = u32(offsetOf(i));
        return nameOff == 0 ? NO_BYTES : strtab.cStringBytes("dynamic symbol name", nameOff, 65536);
    }

    private static final byte[] NO_BYTES = new byte[0];

    /**
     * Indices (ascending, from 1) of the symbols whose section index is {@code SHN_UNDEF}: one
     * tight pass over the table, for finding an object's imports among tens of thousands of symbols.
     */
    public int[] undefinedIndices() {
        int[] out = new int[64];
        int n = 0;
        for (int i = 1, o = entSize + (is64 ? 6 : 14); i < count; i++, o += entSize) {
            if (table[o] == 0 && table[o + 1] == 0) {       // SHN_UNDEF in either byte order
                if (n == out.length) out = Arrays.copyOf(out, n * 2);
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The section index of symbol {@code i} without decoding its name (for cheap filtering). */
    public int shndx(int i) {
        return u16(offsetOf(i) + (is64 ? 6 : 14));
    }

    /** {@code st_info} of symbol {@code i} (binding in the high nibble, type in the low one). */
    public int info(int i) {
        return table[offsetOf(i) + (is64 ? 4 : 12)] & 0xff;
    }

    /** {@code st_value} of symbol {@code i}. */
    public long value(int i) {
        int o = offsetOf(i);
        return is64 ? u64(o + 8) : u32(o + 4);
    }

    private int offsetOf(int i) {
        if (i < 0 || i >= count) throw FormatException.outOfBounds("dynamic symbol " + i, tableBase + (long) i * entSize, entSize);
        return i * entSize;
    }

    private int u16(int o) {
        return littleEndian ? (table[o] & 0xff) | (table[o + 1] & 0xff) << 8 : (table[o] & 0xff) << 8 | (table[o + 1] & 0xff);
    }

    private long u32(int o) {
        return littleEndian
                ? (table[o] & 0xffL) | (table[o + 1] & 0xffL) << 8 | (table[o + 2] & 0xffL) << 16 | (table[o + 3] & 0xffL) << 24
                : (table[o] & 0xffL) << 24 | (table[o + 1] & 0xffL) << 16 | (table[o + 2] & 0xffL) << 8 | (table[o + 3] & 0xffL);
    }

    private long u64(int o) {
        return littleEndian ? u32(o) | u32(o + 4) << 32 : u32(o) << 32 | u32(o + 4);
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
        int[] out = NONE;
        int n = 0;
        if (gnu != null) {
            // ld.so's arithmetic: the bloom size is a power of two, word sizes too; no divisions
            // but the bucket's (every object of the scope takes this probe for every symbol).
            int h = gnuHashValue;
            int bitsLog = is64 ? 6 : 5, bitsMask = is64 ? 63 : 31;
            long word = gnu.bloom()[(h >>> bitsLog) & (gnu.bloomSize() - 1)];
            long mask = (1L << (h & bitsMask)) | (1L << ((h >>> (gnu.bloomShift() & 31)) & bitsMask));
            if ((word & mask) != mask) return NONE;
            long sym = gnu.buckets()[Integer.remainderUnsigned(h, gnu.nbuckets())] & 0xffffffffL;
            if (sym == 0) return NONE;
            for (long i = sym; i < count; i++) {
                if (i < gnu.symoffset()) break;
                long ch = chain(gnu, i) & 0xffffffffL;
                if ((ch | 1) == ((h & 0xffffffffL) | 1) && nameEquals((int) i, name)) {
                    if (n == out.length) out = Arrays.copyOf(out, Math.max(4, n * 2));
                    out[n++] = (int) i;
                }
                if ((ch & 1) != 0) break;
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }
        if (sysv != null) {
            long h = elfHash(name);
            long i = sysv.buckets().u32("ELF hash bucket", 4 * (h % sysv.nbucket()));
            for (int steps = 0; i != 0 && steps <= sysv.nchain(); steps++) {
                if (i >= count || i >= sysv.nchain()) break;
                if (nameEquals((int) i, name)) {
                    if (n == out.length) out = Arrays.copyOf(out, Math.max(4, n * 2));
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
                if (n == out.length) out = Arrays.copyOf(out, Math.max(4, n * 2));
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
        return strtab.cStringEquals(u32(offsetOf(i)), name);
    }
}
