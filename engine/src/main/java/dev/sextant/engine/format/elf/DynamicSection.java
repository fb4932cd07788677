package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The dynamic section ({@code PT_DYNAMIC}): tag/value pairs up to {@code DT_NULL}, with the strings
 * of {@code DT_NEEDED}, {@code DT_SONAME}, {@code DT_RPATH}/{@code DT_RUNPATH} and the filter tags
 * resolved through {@code DT_STRTAB}. Read from the program headers (as ld.so does), so stripped
 * section headers do not matter. Immutable.
 */
public record DynamicSection(List<Entry> entries, ByteReader strtab, LoadMap loadMap) {

    public static final long DT_NULL = 0, DT_NEEDED = 1, DT_PLTRELSZ = 2, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6,
            DT_RELA = 7, DT_RELASZ = 8, DT_RELAENT = 9, DT_STRSZ = 10, DT_SYMENT = 11, DT_SONAME = 14,
            DT_RPATH = 15, DT_SYMBOLIC = 16, DT_REL = 17, DT_RELSZ = 18, DT_RELENT = 19, DT_PLTREL = 20,
            DT_JMPREL = 23, DT_RUNPATH = 29, DT_FLAGS = 30, DT_GNU_HASH = 0x6ffffef5L, DT_VERSYM = 0x6ffffff0L,
            DT_FLAGS_1 = 0x6ffffffbL, DT_VERDEF = 0x6ffffffcL, DT_VERDEFNUM = 0x6ffffffdL, DT_VERNEED = 0x6ffffffeL,
            DT_VERNEEDNUM = 0x6fffffffL, DT_AUXILIARY = 0x7ffffffdL, DT_FILTER = 0x7fffffffL;
    public static final long DF_SYMBOLIC = 0x2, DF_1_NODEFLIB = 0x800;

    /** One {@code Elf64_Dyn}. */
    public record Entry(long tag, long value) {}

    /**
     * Reads the dynamic section of a file; empty when it has no {@code PT_DYNAMIC} (a static
     * executable). The string table is optional only in the sense that a file without one has no names.
     */
    public static Optional<DynamicSection> read(ByteReader file, ElfHeader eh, List<ProgramHeader> phdrs) {
        ProgramHeader dyn = segment(phdrs);
        if (dyn == null) return Optional.empty();
        return Optional.of(read(file, file.slice("dynamic section", dyn.offset(), dyn.filesz()), eh, phdrs));
    }

    /** The first {@code PT_DYNAMIC}, or null. */
    static ProgramHeader segment(List<ProgramHeader> phdrs) {
        for (ProgramHeader p : phdrs) if (p.type() == ProgramHeader.PT_DYNAMIC) return p;
        return null;
    }

    /** The entries up to {@code DT_NULL} of a dynamic segment's bytes. */
    static List<Entry> entries(ByteReader seg, ElfHeader eh) {
        int entSize = eh.is64() ? 16 : 8;
        long n = seg.size() / entSize;
        List<Entry> entries = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            String w = "dynamic entry";
            long tag = eh.is64() ? seg.u64(w, i * entSize) : seg.s32(w, i * entSize);
            long val = seg.word(w, i * entSize + entSize / 2, eh.is64());
            if (tag == DT_NULL) break;
            entries.add(new Entry(tag, val));
        }
        return List.copyOf(entries);
    }

    /** The dynamic section whose bytes are {@code seg}; its tables are read from {@code file}. */
    static DynamicSection read(ByteReader file, ByteReader seg, ElfHeader eh, List<ProgramHeader> phdrs) {
        LoadMap map = LoadMap.of(phdrs);
        DynamicSection partial = new DynamicSection(entries(seg, eh), null, map);
        OptionalLong strAddr = partial.value(DT_STRTAB);
        OptionalLong strSize = partial.value(DT_STRSZ);
        ByteReader strtab = null;
        if (strAddr.isPresent()) {
            strtab = strSize.isPresent() ? map.slice(file, "dynamic string table", strAddr.getAsLong(), strSize.getAsLong())
                    : map.sliceToSegmentEnd(file, "dynamic string table", strAddr.getAsLong());
        }
        return new DynamicSection(partial.entries(), strtab, map);
    }

    /** The first value of {@code tag}. */
    public OptionalLong value(long tag) {
        for (Entry e : entries) if (e.tag() == tag) return OptionalLong.of(e.value());
        return OptionalLong.empty();
    }

    public boolean has(long tag) { return value(tag).isPresent(); }

    /** Every string of {@code tag}, in order (e.g. all {@code DT_NEEDED}). */
    public List<String> strings(long tag) {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) if (e.tag() == tag) out.add(string(e.value(), tagName(tag)));
        return List.copyOf(out);
    }

    public Optional<String> string(long tag) {
        OptionalLong v = value(tag);
        return v.isPresent() ? Optional.of(string(v.getAsLong(), tagName(tag))) : Optional.empty();
    }

    /** A NUL-terminated string at {@code offset} in {@code DT_STRTAB}. */
    public String string(long offset, String what) {
        if (strtab == null) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "the dynamic section has no DT_STRTAB");
        }
        return strtab.cString(what, offset, 65536);
    }

    public List<String> needed() { return strings(DT_NEEDED); }
    public Optional<String> soname() { return string(DT_SONAME); }
    public Optional<String> rpath() { return string(DT_RPATH); }
    public Optional<String> runpath() { return string(DT_RUNPATH); }
    public List<String> filters() { return strings(DT_FILTER); }
    public List<String> auxiliaryFilters() { return strings(DT_AUXILIARY); }
    public long flags() { return value(DT_FLAGS).orElse(0); }
    public long flags1() { return value(DT_FLAGS_1).orElse(0); }

    /** {@code DT_SYMBOLIC} or {@code DF_SYMBOLIC}: the object searches itself first. */
    public boolean symbolic() { return has(DT_SYMBOLIC) || (flags() & DF_SYMBOLIC) != 0; }

    static String tagName(long tag) {
        if (tag == DT_NEEDED) return "DT_NEEDED";
        if (tag == DT_SONAME) return "DT_SONAME";
        if (tag == DT_RPATH) return "DT_RPATH";
        if (tag == DT_RUNPATH) return "DT_RUNPATH";
        if (tag == DT_FILTER) return "DT_FILTER";
        if (tag == DT_AUXILIARY) return "DT_AUXILIARY";
        return "dynamic tag 0x" + Long.toHexString(tag);
    }
}
