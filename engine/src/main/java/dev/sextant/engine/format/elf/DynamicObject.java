package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

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
        List<SectionHeader> sections = List.of();
        Optional<String> interp = Optional.empty();
        for (ProgramHeader p : phdrs) {
            if (p.type() == ProgramHeader.PT_INTERP) {
                interp = Optional.of(r.slice("PT_INTERP", p.offset(), p.filesz()).cString("PT_INTERP", 0, 4096));
            }
        }
        Optional<DynamicSection> dyn = DynamicSection.read(r, eh, phdrs);
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
            if (eh.type() == ElfHeader.ET_EXEC || interp.isPresent()) rel = DynamicRelocations.read(r, eh, d);
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
