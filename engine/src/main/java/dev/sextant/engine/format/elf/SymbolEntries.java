package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import java.util.List;
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
    private final List<SectionHeader> sections;
    private final SectionHeader table;
    private final long[] raw;          // three words per entry: name|info|other|shndx, value, size
    private final ByteReader names;

    private SymbolEntries(ElfHeader header, List<SectionHeader> sections, SectionHeader table, long[] raw, ByteReader names) {
        this.header = header; this.sections = sections; this.table = table; this.raw = raw; this.names = names;
    }

    /**
     * The symbol table of {@code file}; empty for a file with neither table, or one this reader does
     * not handle (32-bit, big-endian): callers then ask libdwfl symbol by symbol.
     */
    public static Optional<SymbolEntries> read(ByteReader file) {
        ElfHeader eh = ElfHeader.read(file);
        if (!eh.is64() || eh.order() != ByteOrder.LITTLE_ENDIAN) return Optional.empty();
        ByteReader f = file.withOrder(eh.order());
        List<SectionHeader> sections = SectionHeader.readAll(f, eh);
        SectionHeader pick = null;
        for (SectionHeader s : sections) if (s.type() == SectionHeader.SHT_SYMTAB) { pick = s; break; }
        if (pick == null) for (SectionHeader s : sections) if (s.type() == SectionHeader.SHT_DYNSYM) { pick = s; break; }
        if (pick == null) return Optional.empty();
        if (pick.entsize() != ENTSIZE || pick.size() % ENTSIZE != 0) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, pick.offset(), "section " + pick.name(),
                    "symbol entry size " + pick.entsize() + " and section size " + pick.size());
        }
        if (pick.link() <= 0 || pick.link() >= sections.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, pick.offset(), "section " + pick.name(),
                    "string table link " + pick.link());
        }
        long count = pick.size() / ENTSIZE;
        if (count * 3 > Integer.MAX_VALUE - 8) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, pick.offset(), "section " + pick.name(), count + " symbols");
        }
        long[] raw = pick.data(f).s64Array("section " + pick.name(), 0, (int) (count * 3));
        ByteReader names = sections.get(pick.link()).data(f);
        return Optional.of(new SymbolEntries(eh, sections, pick, raw, names));
    }

    public ElfHeader header() { return header; }

    /** {@code .symtab} or {@code .dynsym}. */
    public String sectionName() { return table.name(); }

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
        return s != SHN_UNDEF && s < SHN_LORESERVE && s < sections.size() && (sections.get(s).flags() & SectionHeader.SHF_ALLOC) != 0;
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
