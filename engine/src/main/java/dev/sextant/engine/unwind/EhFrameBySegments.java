package dev.sextant.engine.unwind;

import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.elf.SectionHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code .eh_frame} found as the loader and the unwinder at run time find it, through the program
 * headers, for a file whose section header table is cut off or damaged (a core's copy of a module, a
 * file truncated after its loaded part): {@code PT_GNU_EH_FRAME} gives {@code .eh_frame_hdr}, whose
 * {@code eh_frame_ptr} gives {@code .eh_frame}'s address, which a {@code PT_LOAD} maps to the file;
 * {@code .eh_frame} ends at its zero terminator. The two sections are handed on as if the section
 * headers had named them, with a problem that says the section headers were not used.
 */
final class EhFrameBySegments {
    static final int PT_GNU_EH_FRAME = 0x6474e550;

    private EhFrameBySegments() {}

    /** The tables through the program headers, or {@code sectionsProblem} again when they do not lead to {@code .eh_frame}. */
    static ElfUnwindTables open(Path path, FormatException sectionsProblem) throws IOException {
        ByteReader file = ByteReader.map(path, ByteOrder.LITTLE_ENDIAN);
        ElfHeader eh = ElfHeader.read(file);
        ByteReader f = file.withOrder(eh.order());
        List<ProgramHeader> phs = ProgramHeader.readAll(f, eh);
        Optional<ProgramHeader> hdrPh = phs.stream().filter(p -> p.type() == PT_GNU_EH_FRAME).findFirst();
        if (hdrPh.isEmpty()) throw withHint(sectionsProblem, "and there is no PT_GNU_EH_FRAME program header to find .eh_frame by");
        ProgramHeader h = hdrPh.get();
        int addressSize = eh.is64() ? 8 : 4;
        SectionHeader hdrSection = new SectionHeader(1, ".eh_frame_hdr", SectionHeader.SHT_PROGBITS, SectionHeader.SHF_ALLOC,
                h.vaddr(), h.offset(), h.filesz(), 0, 0, 4, 0);
        EhFrameHdr hdr = EhFrameHdr.parse(hdrSection.data(f), h.vaddr(), addressSize, PointerEncoding.Bases.of(0));
        long ehAddress = hdr.ehFramePointer();
        ProgramHeader load = phs.stream()
                .filter(p -> p.type() == ProgramHeader.PT_LOAD && ehAddress >= p.vaddr() && ehAddress - p.vaddr() < p.filesz())
                .findFirst()
                .orElseThrow(() -> withHint(sectionsProblem, "and no PT_LOAD segment holds .eh_frame at 0x" + Long.toHexString(ehAddress)));
        long start = load.offset() + (ehAddress - load.vaddr());
        long segmentEnd = Math.min(load.offset() + load.filesz(), f.size());
        SectionHeader eh_frame = new SectionHeader(2, ".eh_frame", SectionHeader.SHT_PROGBITS, SectionHeader.SHF_ALLOC,
                ehAddress, start, terminator(f, start, segmentEnd) - start, 0, 0, 8, 0);
        ElfUnwindTables tables = ElfUnwindTables.read(eh, List.of(hdrSection, eh_frame), s -> s.data(f));
        tables.foundThroughSegments("the section header table cannot be read (" + sectionsProblem.getMessage()
                + "): .eh_frame was found through PT_GNU_EH_FRAME; no symbols name the entries");
        return tables;
    }

    /** Where {@code .eh_frame} ends: just past its zero-length terminator, or at the segment's end. */
    private static long terminator(ByteReader f, long start, long end) {
        long off = start;
        while (off + 4 <= end) {
            long len = f.u32(".eh_frame entry length", off);
            if (len == 0) return off + 4;
            long next = len == 0xffffffffL ? (off + 12 <= end ? off + 12 + f.u64(".eh_frame entry length", off + 4) : end) : off + 4 + len;
            if (next <= off || next > end) return end;
            off = next;
        }
        return end;
    }

    private static FormatException withHint(FormatException e, String hint) {
        return new FormatException(e.kind(), e.offset(), e.what(), e.getMessage().substring(e.what().length() + 2) + "; " + hint);
    }
}
