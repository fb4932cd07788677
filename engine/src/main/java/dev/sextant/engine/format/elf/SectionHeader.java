package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * One section header ({@code Elf32_Shdr}/{@code Elf64_Shdr}) with its name resolved from the
 * section name string table. Immutable. Section headers are optional at run time (ld.so never
 * reads them), so callers that can do without them treat a failure of {@link #readAll} as absence.
 */
public record SectionHeader(int index, String name, int type, long flags, long addr, long offset, long size,
                            int link, int info, long addralign, long entsize) {

    public static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4,
            SHT_HASH = 5, SHT_DYNAMIC = 6, SHT_NOTE = 7, SHT_NOBITS = 8, SHT_REL = 9, SHT_DYNSYM = 11,
            SHT_GNU_HASH = 0x6ffffff6, SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERNEED = 0x6ffffffe,
            SHT_GNU_VERSYM = 0x6fffffff;

    /** Reads the whole table and names each section; an empty list when the file has none. */
    public static List<SectionHeader> readAll(ByteReader file, ElfHeader eh) {
        if (eh.shnum() == 0 || eh.shoff() == 0) return List.of();
        int expected = eh.is64() ? 64 : 40;
        if (eh.shentsize() != expected) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, eh.is64() ? 58 : 46, "e_shentsize",
                    "section header size is " + eh.shentsize() + ", expected " + expected);
        }
        ByteReader table = file.slice("section header table", eh.shoff(), (long) eh.shnum() * expected);
        record Raw(long name, int type, long flags, long addr, long offset, long size, int link, int info,
                   long align, long entsize) {}
        List<Raw> raws = new ArrayList<>(eh.shnum());
        for (int i = 0; i < eh.shnum(); i++) {
            long o = (long) i * expected;
            String w = "section header " + i;
            if (eh.is64()) {
                raws.add(new Raw(table.u32(w, o), table.s32(w, o + 4), table.u64(w, o + 8), table.u64(w, o + 16),
                        table.u64(w, o + 24), table.u64(w, o + 32), table.s32(w, o + 40), table.s32(w, o + 44),
                        table.u64(w, o + 48), table.u64(w, o + 56)));
            } else {
                raws.add(new Raw(table.u32(w, o), table.s32(w, o + 4), table.u32(w, o + 8), table.u32(w, o + 12),
                        table.u32(w, o + 16), table.u32(w, o + 20), table.s32(w, o + 24), table.s32(w, o + 28),
                        table.u32(w, o + 32), table.u32(w, o + 36)));
            }
        }
        ByteReader names = null;
        if (eh.shstrndx() > 0 && eh.shstrndx() < raws.size()) {
            Raw s = raws.get(eh.shstrndx());
            if (s.type() != SHT_NOBITS) names = file.slice("section name string table", s.offset(), s.size());
        }
        List<SectionHeader> out = new ArrayList<>(raws.size());
        for (int i = 0; i < raws.size(); i++) {
            Raw r = raws.get(i);
            String name = "";
            if (names != null && r.name() < names.size()) name = names.cString("section name " + i, r.name(), 4096);
            out.add(new SectionHeader(i, name, r.type(), r.flags(), r.addr(), r.offset(), r.size(), r.link(),
                    r.info(), r.align(), r.entsize()));
        }
        return List.copyOf(out);
    }

    /** The section's bytes; {@code SHT_NOBITS} sections have none in the file. */
    public ByteReader contents(ByteReader file) {
        if (type == SHT_NOBITS) return file.slice("section " + name, 0, 0);
        return file.slice("section " + name, offset, size);
    }
}
