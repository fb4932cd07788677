package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FileRanges;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Every entry of the symbol table of a 64-bit little-endian ELF file, as libdwfl picks it:
 * {@code .symtab}, else {@code .dynsym}. Raw link-time values, entry 0 included, so that index i
 * here is index i in libdwfl's {@code dwfl_module_getsym_info}. The table is copied out in one bulk
 * read; names are decoded only when asked for (a large library has 10⁵ symbols, a lookup needs a
 * few). Immutable once read; not thread-safe (name decoding shares the mapped string table).
 */
public final class SymbolEntries {
    /** Reserved section indices (elf.h). */
    public static final int SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1, SHN_XINDEX = 0xffff;
    private static final int ENTSIZE = 24;

    private final ElfHeader header;
    private final long[] sectionFlags;   // sh_flags by section index
    private final long[] sectionAddr, sectionSize;
    private final boolean dynamic;       // .dynsym (no .symtab)
    private final long[] raw;            // three words per entry: name|info|other|shndx, value, size
    private final ByteReader names;

    private SymbolEntries(ElfHeader header, long[] sectionFlags, long[] sectionAddr, long[] sectionSize, boolean dynamic,
                          long[] raw, ByteReader names) {
        this.header = header; this.sectionFlags = sectionFlags; this.sectionAddr = sectionAddr; this.sectionSize = sectionSize;
        this.dynamic = dynamic; this.raw = raw; this.names = names;
    }

    /**
     * The symbol table of the file at {@code path}; empty for a file with neither table, or one this
     * reader does not handle (32-bit, big-endian): callers then ask libdwfl symbol by symbol. Only the
     * header, the section table, the symbol table and its strings are read: not mapped, since the first
     * mapping of a process sets up the JDK's foreign-memory support (about 30 ms).
     */
    public static Optional<SymbolEntries> read(Path path) throws IOException {
        try (FileRanges ch = new FileRanges(path)) {
            long fileSize = ch.size();
            ElfHeader eh = ElfHeader.read(ByteReader.of(ch.bytes("ELF header", 0, Math.min(fileSize, 64)), ByteOrder.LITTLE_ENDIAN));
            if (!eh.is64() || eh.order() != ByteOrder.LITTLE_ENDIAN || eh.shoff() == 0 || eh.shnum() == 0) return Optional.empty();
            if (eh.shentsize() != 64) {
                throw new FormatException(FormatException.Kind.INCONSISTENT, 58, "e_shentsize", "section header size is " + eh.shentsize() + ", expected 64");
            }
            ByteReader table = ByteReader.of(ch.bytes("section header table", eh.shoff(), 64L * eh.shnum()), ByteOrder.LITTLE_ENDIAN);
            int n = eh.shnum();
            long[] flags = new long[n], addrs = new long[n], sizes = new long[n];
            int symtab = -1, dynsym = -1;
            for (int i = 0; i < n; i++) {
                long type = table.u32("section header", 64L * i + 4);
                flags[i] = table.u64("section header", 64L * i + 8);
                addrs[i] = table.u64("section header", 64L * i + 16);
                sizes[i] = table.u64("section header", 64L * i + 32);
                if (type == SectionHeader.SHT_SYMTAB && symtab < 0) symtab = i;
                if (type == SectionHeader.SHT_DYNSYM && dynsym < 0) dynsym = i;
            }
            int pick = symtab >= 0 ? symtab : dynsym;
            if (pick < 0) return Optional.empty();
            long o = 64L * pick;
            long offset = table.u64("section header", o + 24), size = table.u64("section header", o + 32);
            long link = table.u32("section header", o + 40), entsize = table.u64("section header", o + 56);
            String what = "symbol table (section " + pick + ")";
            if (entsize != ENTSIZE || size % ENTSIZE != 0) {
                throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "entry size " + entsize + " and size " + size);
            }
            if (link <= 0 || link >= n) throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "string table link " + link);
            long count = size / ENTSIZE;
            if (count * 3 > Integer.MAX_VALUE - 8) throw new FormatException(FormatException.Kind.UNSUPPORTED, offset, what, count + " symbols");
            long[] raw = ByteReader.of(ch.bytes(what, offset, size), ByteOrder.LITTLE_ENDIAN).s64Array(what, 0, (int) (count * 3));
            long so = 64L * link;
            ByteReader names = ByteReader.of(ch.bytes("string table (section " + link + ")",
                    table.u64("section header", so + 24), table.u64("section header", so + 32)), ByteOrder.LITTLE_ENDIAN);
            return Optional.of(new SymbolEntries(eh, flags, addrs, sizes, pick != symtab, raw, names));
        }
    }

    public ElfHeader header() { return header; }

    /** True for {@code .dynsym} (the file has no {@code .symtab}). */
    public boolean dynamic() { return dynamic; }

    /** Entries, the null entry 0 included. */
    public int count() { return raw.length / 3; }

    public long value(int i) { return raw[3 * i + 1]; }
    public long size(int i) { return raw[3 * i + 2]; }
    public int type(int i) { return (int) (raw[3 * i] >>> 32) & 0xf; }
    public int binding(int i) { return (int) (raw[3 * i] >>> 36) & 0xf; }
    public int sectionIndex(int i) { return (int) (raw[3 * i] >>> 48) & 0xffff; }
    public long nameOffset(int i) { return raw[3 * i] & 0xffff_ffffL; }

    /** Whether the symbol lies in a section that is loaded (SHF_ALLOC); false for reserved indices. */
    public boolean inLoadedSection(int i) {
        int s = sectionIndex(i);
        return s != SHN_UNDEF && s < SHN_LORESERVE && s < sectionFlags.length && (sectionFlags[s] & SectionHeader.SHF_ALLOC) != 0;
    }

    /**
     * The index of the loaded ({@code SHF_ALLOC}) section that holds {@code address} (as in the file,
     * not relocated), or -1: libdwfl names an address by a sizeless symbol only in the same section.
     */
    public int sectionContaining(long address) {
        for (int s = 1; s < sectionAddr.length; s++) {
            if ((sectionFlags[s] & SectionHeader.SHF_ALLOC) != 0 && Long.compareUnsigned(address - sectionAddr[s], sectionSize[s]) < 0
                    && Long.compareUnsigned(address, sectionAddr[s]) >= 0) return s;
        }
        return -1;
    }

    /** The name, or empty when its offset lies outside the string table (libdwfl then has no symbol there). */
    public Optional<String> name(int i) {
        long off = nameOffset(i);
        if (off >= names.size()) return Optional.empty();
        return Optional.of(names.cString("symbol name", off, 1 << 16));
    }

    /** Whether the name is the empty string (checked without decoding it). */
    public boolean nameIsEmpty(int i) {
        long off = nameOffset(i);
        return off < names.size() && names.u8("symbol name", off) == 0;
    }
}
