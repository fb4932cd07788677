package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FileRanges;
import dev.sextant.engine.format.io.FormatException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything a loader reads from an ELF file before running it: header, program headers,
 * {@code PT_INTERP}, the dynamic section, dynamic symbols with their versions, the symbol side of
 * the dynamic relocations (executables only: libraries have no copy relocations) and the GNU
 * build-id. Section headers are read only when no hash table sizes {@code .dynsym}, and may be
 * missing or broken. Immutable.
 */
public record DynamicObject(ElfHeader header, List<ProgramHeader> programHeaders, List<SectionHeader> sections,
                            Optional<String> interpreter, Optional<DynamicSection> dynamic, DynamicSymbols symbols,
                            SymbolVersions versions, DynamicRelocations relocations, Optional<String> buildId) {

    /** Reads the loader's view of a file; header and dynamic tables fail with a {@link FormatException}. */
    public static DynamicObject read(ByteReader file) {
        ElfHeader eh = ElfHeader.read(file);
        ByteReader r = file.withOrder(eh.order());
        List<ProgramHeader> phdrs = ProgramHeader.readAll(r, eh);
        return read(r, eh, phdrs, null);
    }

    /** What the first read of {@link #read(Path)} takes: the ELF header and, nearly always, the program headers. */
    private static final int HEAD = 4096;

    /**
     * Reads the loader's view of a file as {@link #read(ByteReader)} does, but reads only the parts
     * the loader looks at (headers, notes, the dynamic segment, and the file's start up to just past
     * the dynamic tables) instead of mapping the file: a large library is mostly code, and the first
     * {@code FileChannel.map} of a process costs tens of milliseconds of reflective set-up. A file
     * whose tables cannot be found that way (no hash table, a string table without size, anything
     * out of bounds) is mapped and read whole, so errors are exactly those of {@link #read(ByteReader)}.
     *
     * @throws IOException when the file cannot be read
     */
    public static DynamicObject read(java.nio.file.Path path) throws java.io.IOException {
        try (FileRanges f = new FileRanges(path)) {
            DynamicObject o = readParts(f, f.size());
            if (o != null) return o;
        } catch (FormatException e) {
            // decided below, from the whole file
        }
        return read(ByteReader.map(path, java.nio.ByteOrder.LITTLE_ENDIAN));
    }

    /** The first {@code n} bytes of a file (fewer when it is shorter), e.g. for its ELF header. */
    public static byte[] head(java.nio.file.Path path, int n) throws java.io.IOException {
        try (FileRanges f = new FileRanges(path)) {
            return f.bytes("file start", 0, Math.min(n, f.size()));
        }
    }

    /** {@link #read(java.nio.file.Path)}'s partial read; null when the whole file must decide. */
    private static DynamicObject readParts(FileRanges f, long size) throws java.io.IOException {
        byte[] head = f.bytes("ELF header", 0, Math.min(size, HEAD));
        ElfHeader eh = ElfHeader.read(ByteReader.of(head, java.nio.ByteOrder.LITTLE_ENDIAN));
        long phEnd = eh.phoff() + (long) eh.phnum() * eh.phentsize();
        if (eh.phoff() < 0 || phEnd > size || phEnd > 1 << 20) return null;
        if (phEnd > head.length) head = f.bytes("program headers", 0, phEnd);
        List<ProgramHeader> phdrs = ProgramHeader.readAll(ByteReader.of(head, eh.order()), eh);
        long need = Math.max(head.length, phEnd);
        boolean exec = eh.type() == ElfHeader.ET_EXEC;
        for (ProgramHeader p : phdrs) {
            if (p.type() == ProgramHeader.PT_INTERP || p.type() == ProgramHeader.PT_NOTE) need = Math.max(need, end(p.offset(), p.filesz()));
            exec |= p.type() == ProgramHeader.PT_INTERP;
        }
        ProgramHeader dynPh = DynamicSection.segment(phdrs);
        ByteReader dynSeg = null;
        if (dynPh != null) {
            long dynEnd = end(dynPh.offset(), dynPh.filesz());
            if (dynEnd > size || dynPh.filesz() > 1 << 20) return null;
            dynSeg = ByteReader.of(f.bytes("dynamic segment", dynPh.offset(), dynPh.filesz()), dynPh.offset(), eh.order());
            List<DynamicSection.Entry> entries = DynamicSection.entries(dynSeg, eh);
            DynamicSection d = new DynamicSection(entries, null, LoadMap.of(phdrs));
            if (!d.has(DynamicSection.DT_HASH) && !d.has(DynamicSection.DT_GNU_HASH)) return null;     // sized by sections
            OptionalLong str = d.value(DynamicSection.DT_STRTAB), strsz = d.value(DynamicSection.DT_STRSZ);
            if (str.isPresent() != strsz.isPresent()) return null;
            long strOff = -1;
            if (str.isPresent()) {
                strOff = d.loadMap().fileOffset("dynamic string table", str.getAsLong(), strsz.getAsLong());
                need = Math.max(need, end(strOff, strsz.getAsLong()));
            }
            if (exec) {
                need = Math.max(need, tableEnd(d, DynamicSection.DT_RELA, DynamicSection.DT_RELASZ));
                need = Math.max(need, tableEnd(d, DynamicSection.DT_REL, DynamicSection.DT_RELSZ));
                need = Math.max(need, tableEnd(d, DynamicSection.DT_JMPREL, DynamicSection.DT_PLTRELSZ));
            }
            // Tables without a size: the symbols usually lie before the strings; the version table
            // holds 2 bytes per symbol; the rest are small. A guess too short fails and maps the file.
            long symOff = start(d, DynamicSection.DT_SYMTAB);
            long slack = 65536 + (symOff >= 0 && strOff > symOff ? (strOff - symOff) / 8 : 0);
            for (long tag : new long[] {DynamicSection.DT_SYMTAB, DynamicSection.DT_GNU_HASH, DynamicSection.DT_HASH,
                    DynamicSection.DT_VERSYM, DynamicSection.DT_VERDEF, DynamicSection.DT_VERNEED}) {
                long off = start(d, tag);
                if (off >= 0) need = Math.max(need, off + slack);
            }
        }
        need = Math.min(need, size);
        if (need > Integer.MAX_VALUE) return null;
        byte[] prefix = need <= head.length ? head : f.bytes("dynamic tables", 0, need);
        if (prefix.length > need) prefix = java.util.Arrays.copyOf(prefix, (int) need);
        return read(ByteReader.of(prefix, eh.order()), eh, phdrs, dynSeg);
    }

    private static long end(long offset, long length) {
        long e = offset + length;
        if (offset < 0 || length < 0 || e < offset) throw FormatException.outOfBounds("file range", offset, length);
        return e;
    }

    private static long start(DynamicSection d, long tag) {
        OptionalLong v = d.value(tag);
        return v.isPresent() ? d.loadMap().fileOffset("dynamic table", v.getAsLong(), 0) : -1;
    }

    private static long tableEnd(DynamicSection d, long addrTag, long sizeTag) {
        OptionalLong a = d.value(addrTag), n = d.value(sizeTag);
        if (a.isEmpty() || n.isEmpty()) return 0;
        return end(d.loadMap().fileOffset("relocation table", a.getAsLong(), n.getAsLong()), n.getAsLong());
    }

    /**
     * The loader's view from a file reader {@code r} (which may hold only the file's start) and the
     * dynamic segment's bytes ({@code dynSeg}; null: sliced from {@code r}).
     */
    private static DynamicObject read(ByteReader r, ElfHeader eh, List<ProgramHeader> phdrs, ByteReader dynSeg) {
        List<SectionHeader> sections = List.of();
        Optional<String> interp = Optional.empty();
        for (ProgramHeader p : phdrs) {
            if (p.type() == ProgramHeader.PT_INTERP) {
                interp = Optional.of(r.slice("PT_INTERP", p.offset(), p.filesz()).cString("PT_INTERP", 0, 4096));
            }
        }
        Optional<DynamicSection> dyn = dynSeg != null ? Optional.of(DynamicSection.read(r, dynSeg, eh, phdrs))
                : DynamicSection.read(r, eh, phdrs);
        DynamicSymbols syms = DynamicSymbols.empty(eh.is64());
        SymbolVersions vers = SymbolVersions.none();
        DynamicRelocations rel = new DynamicRelocations(new java.util.BitSet(), new java.util.BitSet(), new java.util.BitSet());
        if (dyn.isPresent()) {
            DynamicSection d = dyn.get();
            if (!d.has(DynamicSection.DT_HASH) && !d.has(DynamicSection.DT_GNU_HASH)) {
                // only then is the .dynsym section header the one place that sizes the table
                try {
                    sections = SectionHeader.readAll(r, eh);
                } catch (FormatException e) {
                    sections = List.of();
                }
            }
            syms = DynamicSymbols.read(r, eh, d, sections);
            vers = SymbolVersions.read(r, d, syms.count());
            // Copy relocations and PLT references to undefined symbols with an address only occur in
            // executables; skipping the scan for libraries saves reading 10^5 relocations of a big one.
            if (eh.type() == ElfHeader.ET_EXEC || interp.isPresent()) rel = DynamicRelocations.read(r, eh, d, syms.count());
        }
        return new DynamicObject(eh, phdrs, sections, interp, dyn, syms, vers, rel, buildId(r, phdrs));
    }

    /** The {@code NT_GNU_BUILD_ID} note as lower-case hex; empty when absent or unreadable. */
    static Optional<String> buildId(ByteReader file, List<ProgramHeader> phdrs) {
        for (ProgramHeader p : phdrs) {
            if (p.type() != ProgramHeader.PT_NOTE) continue;
            try {
                for (Note n : NoteReader.read(file.slice("PT_NOTE", p.offset(), p.filesz()), "PT_NOTE")) {
                    if (n.type() == Note.NT_GNU_BUILD_ID && n.owner().equals("GNU")) {
                        return Optional.of(HexFormat.of().formatHex(n.desc().bytes("build-id", 0, n.desc().size())));
                    }
                }
            } catch (FormatException e) {
                // a damaged note segment only costs the identity stamp
            }
        }
        return Optional.empty();
    }

    /** The readable {@code DT_NEEDED} names, in order; a name pointing outside the string table is left out. */
    public List<String> needed() {
        if (dynamic.isEmpty()) return List.of();
        List<String> out = new java.util.ArrayList<>();
        for (DynamicSection.Entry e : dynamic.get().entries()) {
            if (e.tag() != DynamicSection.DT_NEEDED) continue;
            try {
                out.add(dynamic.get().string(e.value(), "DT_NEEDED"));
            } catch (FormatException ex) {
                // reported by whoever walks the entries; here only readable names matter
            }
        }
        return List.copyOf(out);
    }

    /** {@code DT_SONAME}; empty when absent or unreadable. */
    public Optional<String> soname() {
        try {
            return dynamic.flatMap(DynamicSection::soname);
        } catch (FormatException e) {
            return Optional.empty();
        }
    }
}
