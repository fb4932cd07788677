package dev.sextant.engine.unwind;

import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.SectionHeader;
import dev.sextant.engine.format.elf.ElfSections;
import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;

/**
 * The static unwind tables of one ELF file: its {@code .eh_frame} (found through
 * {@code .eh_frame_hdr} when present) and {@code .debug_frame}, with the function symbols to name
 * FDEs. Addresses are link-time, as in the file. A section that cannot be used is listed in
 * {@link #problems()} instead of failing the whole file. Not thread-safe.
 */
public final class ElfUnwindTables {
    private final ElfHeader header;
    private final List<SectionHeader> sections;
    private final List<CfiSection> tables;
    private final Optional<EhFrameHdr> hdr;
    private final SymbolTable symbols;
    private final List<String> problems;
    private List<Match> sortedFdes;

    private ElfUnwindTables(ElfHeader header, List<SectionHeader> sections, List<CfiSection> tables,
                            Optional<EhFrameHdr> hdr, SymbolTable symbols, List<String> problems) {
        this.header = header; this.sections = sections; this.tables = tables; this.hdr = hdr;
        this.symbols = symbols; this.problems = problems;
    }

    /**
     * Reads a file's unwind tables, reading only the headers and the sections they need (the unwind
     * sections and the symbol table) rather than mapping the file: a large library is mostly code,
     * and the first mapping of a process costs a short command tens of milliseconds.
     */
    public static ElfUnwindTables open(Path file) throws IOException {
        try {
            return ElfSections.read(file, f -> read(f.header(), f.sections(), f::data));
        } catch (FormatException e) {
            if (!e.what().startsWith("section header")) throw e;
            return EhFrameBySegments.open(file, e);     // cut off: .eh_frame through the program headers
        }
    }

    /** Reads the ELF and section headers (fail fast) and sets up the CFI sections (failures become problems). */
    public static ElfUnwindTables read(ByteReader file) {
        ElfHeader eh = ElfHeader.read(file);
        ByteReader f = file.withOrder(eh.order());
        return read(eh, SectionHeader.readAll(f, eh), s -> s.data(f));
    }

    /** As {@link #read(ByteReader)}, from headers already read and each section's bytes from {@code data}. */
    static ElfUnwindTables read(ElfHeader eh, List<SectionHeader> sections, java.util.function.Function<SectionHeader, ByteReader> data) {
        return read(eh, sections, data, (t, h) -> { });
    }

    /**
     * The tables of a file being read section by section; {@code cfiReady} is handed the CFI sections and
     * {@code .eh_frame_hdr} as soon as they are read, before the symbol table is (work on them can start
     * on another thread meanwhile: their bytes are read already).
     */
    public static ElfUnwindTables read(ElfSections f, BiConsumer<List<CfiSection>, Optional<EhFrameHdr>> cfiReady) {
        return read(f.header(), f.sections(), f::data, cfiReady);
    }

    private static ElfUnwindTables read(ElfHeader eh, List<SectionHeader> sections, java.util.function.Function<SectionHeader, ByteReader> data,
                                        BiConsumer<List<CfiSection>, Optional<EhFrameHdr>> cfiReady) {
        int addressSize = eh.is64() ? 8 : 4;
        List<String> problems = new ArrayList<>();
        PointerEncoding.Bases common = PointerEncoding.Bases.of(0);
        Optional<SectionHeader> text = SectionHeader.find(sections, ".text");
        Optional<SectionHeader> got = SectionHeader.find(sections, ".got");
        if (text.isPresent()) common = common.withText(text.get().addr());
        if (got.isPresent()) common = common.withData(got.get().addr());
        List<CfiSection> tables = new ArrayList<>();
        for (CfiSection.Kind kind : CfiSection.Kind.values()) {
            Optional<SectionHeader> s = SectionHeader.find(sections, kind.sectionName());
            if (s.isEmpty()) continue;
            SectionHeader sh = s.get();
            try {
                if ((sh.flags() & SectionHeader.SHF_COMPRESSED) != 0) {
                    throw new FormatException(FormatException.Kind.UNSUPPORTED, sh.offset(), "section " + sh.name(),
                            "compressed sections are not supported");
                }
                PointerEncoding.Bases b = new PointerEncoding.Bases(sh.addr(), common.text(), common.hasText(), common.data(), common.hasData());
                tables.add(new CfiSection(data.apply(sh), kind, addressSize, b));
            } catch (FormatException e) {
                problems.add(e.getMessage());
            }
        }
        Optional<EhFrameHdr> hdr = Optional.empty();
        Optional<SectionHeader> h = SectionHeader.find(sections, ".eh_frame_hdr");
        if (h.isPresent()) {
            try {
                hdr = Optional.of(EhFrameHdr.parse(data.apply(h.get()), h.get().addr(), addressSize, common));
            } catch (FormatException e) {
                problems.add(e.getMessage());
            }
        }
        List<CfiSection> cfi = List.copyOf(tables);
        cfiReady.accept(cfi, hdr);
        SymbolTable symbols = SymbolTable.read(eh, sections, data);
        problems.addAll(symbols.problems());
        return new ElfUnwindTables(eh, sections, cfi, hdr, symbols, problems);
    }

    public ElfHeader header() { return header; }
    public List<SectionHeader> sections() { return sections; }
    public List<CfiSection> tables() { return tables; }
    public Optional<EhFrameHdr> ehFrameHdr() { return hdr; }
    public SymbolTable symbols() { return symbols; }

    /** The same tables with the function names taken from {@code other} (a separate debug file's {@code .symtab}). */
    public ElfUnwindTables withSymbols(SymbolTable other) {
        ElfUnwindTables t = new ElfUnwindTables(header, sections, tables, hdr, other, problems);
        t.sectionHeadersProblem = sectionHeadersProblem;
        return t;
    }
    public List<String> problems() { return List.copyOf(problems); }

    private Optional<String> sectionHeadersProblem = Optional.empty();

    /** Why the section headers were not used, when {@code .eh_frame} was found through the program headers instead. */
    public Optional<String> sectionHeadersProblem() { return sectionHeadersProblem; }

    void foundThroughSegments(String problem) {
        problems.add(problem);
        sectionHeadersProblem = Optional.of(problem);
    }

    public Optional<CfiSection> table(CfiSection.Kind kind) {
        return tables.stream().filter(t -> t.kind() == kind).findFirst();
    }

    /** An FDE and the section it came from. */
    public record Match(CfiSection section, Fde fde) {}

    /**
     * The FDE covering {@code pc}: through {@code .eh_frame_hdr}'s binary search when there is one,
     * else a search of all FDEs of {@code .eh_frame} then {@code .debug_frame}.
     */
    public Optional<Match> lookup(long pc) {
        Optional<CfiSection> eh = table(CfiSection.Kind.EH_FRAME);
        if (hdr.isPresent() && eh.isPresent() && hdr.get().fdeCount() > 0) {
            try {
                OptionalLong fdeAddr = hdr.get().lookup(pc);
                if (fdeAddr.isPresent()) {
                    long off = fdeAddr.getAsLong() - eh.get().bases().sectionAddress();
                    if (off >= 0 && off < eh.get().data().size()
                            && eh.get().recordAt(off) instanceof Fde f && f.covers(pc)) {
                        return Optional.of(new Match(eh.get(), f));
                    }
                }
            } catch (FormatException e) {
                problems.add(e.getMessage());
            }
        }
        if (sortedFdes == null) {
            List<Match> all = new ArrayList<>();
            for (CfiSection t : tables) for (Fde f : t.fdes()) all.add(new Match(t, f));
            all.sort(Comparator.comparing((Match m) -> m.fde().pcBegin(), Long::compareUnsigned));
            sortedFdes = all;
        }
        for (Match m : sortedFdes) if (m.fde().covers(pc)) return Optional.of(m);
        return Optional.empty();
    }
}
