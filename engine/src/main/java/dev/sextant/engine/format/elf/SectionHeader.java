package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FileRanges;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One section header ({@code Elf32_Shdr}/{@code Elf64_Shdr}), with its name resolved through the
 * section-name string table. Immutable. {@code addr} is the link-time address (not relocated),
 * {@code offset}/{@code size} the file range (meaningless for {@code SHT_NOBITS}).
 */
public record SectionHeader(int index, String name, int type, long flags, long addr, long offset, long size,
                            int link, int info, long addralign, long entsize) {

    public static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4,
            SHT_HASH = 5, SHT_DYNAMIC = 6, SHT_NOTE = 7, SHT_NOBITS = 8, SHT_REL = 9, SHT_DYNSYM = 11,
            SHT_GNU_HASH = 0x6ffffff6, SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERNEED = 0x6ffffffe,
            SHT_GNU_VERSYM = 0x6fffffff, SHT_X86_64_UNWIND = 0x70000001;
    public static final long SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_COMPRESSED = 0x800;

    /** True if the section occupies bytes in the file. */
    public boolean hasFileData() { return type != SHT_NOBITS && type != SHT_NULL; }

    /** The section's bytes, checked against the file. */
    public ByteReader data(ByteReader file) {
        if (!hasFileData()) return file.slice("section " + name, 0, 0);
        return file.slice("section " + name + " (" + index + ")", offset, size);
    }

    /** The section's bytes read from {@code file} (as {@link #data(ByteReader)}, for a file read piece by piece). */
    public ByteReader data(FileRanges file, java.nio.ByteOrder order) {
        if (!hasFileData()) return ByteReader.of(new byte[0], order);
        return file.read("section " + name + " (" + index + ")", offset, size, order);
    }

    /**
     * Reads the whole section header table and names the sections. A table that does not fit in
     * the file fails with its offset; a name that cannot be read becomes {@code "<bad name>"}, since
     * a section is still useful without its name.
     */
    public static List<SectionHeader> readAll(ByteReader file, ElfHeader eh) {
        if (eh.shoff() == 0 || eh.shnum() == 0) return List.of();
        int expected = checkEntrySize(eh);
        ByteReader r = file.withOrder(eh.order());
        ByteReader table = r.slice("section header table", eh.shoff(), (long) eh.shnum() * expected);
        return readAll(eh, table, (offset, size) -> r.contains(offset, size) ? r.slice("section name table", offset, size) : null);
    }

    /** The section header size the ELF class implies; a header that says otherwise is refused. */
    public static int checkEntrySize(ElfHeader eh) {
        int expected = eh.is64() ? 64 : 40;
        if (eh.shentsize() != expected) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, eh.is64() ? 58 : 46, "e_shentsize",
                    "section header size is " + eh.shentsize() + ", expected " + expected);
        }
        return expected;
    }

    /** Reads the bytes of a file range, or returns null when they cannot be read. */
    @FunctionalInterface
    public interface Ranges {
        ByteReader read(long offset, long size);
    }

    /**
     * {@link #readAll(ByteReader, ElfHeader)} from the section header table's bytes alone, for a
     * file read piece by piece: the section name table comes from {@code names}.
     */
    public static List<SectionHeader> readAll(ElfHeader eh, ByteReader table, Ranges names) {
        if (eh.shoff() == 0 || eh.shnum() == 0) return List.of();
        int expected = checkEntrySize(eh);
        table = table.withOrder(eh.order());
        long[][] raw = new long[eh.shnum()][];
        for (int i = 0; i < eh.shnum(); i++) {
            long o = (long) i * expected;
            String w = "section header " + i;
            if (eh.is64()) {
                raw[i] = new long[] {table.u32(w, o), table.u32(w, o + 4), table.u64(w, o + 8), table.u64(w, o + 16),
                        table.u64(w, o + 24), table.u64(w, o + 32), table.u32(w, o + 40), table.u32(w, o + 44),
                        table.u64(w, o + 48), table.u64(w, o + 56)};
            } else {
                raw[i] = new long[] {table.u32(w, o), table.u32(w, o + 4), table.u32(w, o + 8), table.u32(w, o + 12),
                        table.u32(w, o + 16), table.u32(w, o + 20), table.u32(w, o + 24), table.u32(w, o + 28),
                        table.u32(w, o + 32), table.u32(w, o + 36)};
            }
        }
        ByteReader nameTable = null;
        int strndx = eh.shstrndx();
        if (strndx > 0 && strndx < raw.length && raw[strndx][1] != SHT_NOBITS) {
            nameTable = names.read(raw[strndx][4], raw[strndx][5]);
        }
        List<SectionHeader> out = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length; i++) {
            long[] s = raw[i];
            String name = "";
            if (nameTable != null && s[0] < nameTable.size()) {
                try { name = nameTable.cString("section name " + i, s[0], 4096); }
                catch (FormatException e) { name = "<bad name>"; }
            } else if (s[0] != 0) {
                name = "<bad name>";
            }
            out.add(new SectionHeader(i, name, (int) s[1], s[2], s[3], s[4], s[5], (int) s[6], (int) s[7], s[8], s[9]));
        }
        return List.copyOf(out);
    }

    /** The first section called {@code name}. */
    public static Optional<SectionHeader> find(List<SectionHeader> sections, String name) {
        for (SectionHeader s : sections) if (s.name.equals(name)) return Optional.of(s);
        return Optional.empty();
    }
}
