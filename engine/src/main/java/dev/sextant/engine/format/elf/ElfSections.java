package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FileRanges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An ELF file on disk read section by section: the headers now, each section's bytes when first
 * asked for (once). A large library is mostly code that a reader of its tables never needs, and the
 * first mapping of a process costs a short command tens of milliseconds.
 */
public final class ElfSections {
    private final ElfHeader header;
    private final List<SectionHeader> sections;
    private final FileRanges file;
    private final Map<Integer, ByteReader> read = new HashMap<>();

    private ElfSections(ElfHeader header, List<SectionHeader> sections, FileRanges file) {
        this.header = header; this.sections = sections; this.file = file;
    }

    /** Opens {@code path}, reads its headers and hands them to {@code use}; the file is closed after. */
    public static <T> T read(Path path, Function<ElfSections, T> use) throws IOException {
        try (FileRanges f = new FileRanges(path)) {
            ElfHeader eh = ElfHeader.read(f.read("ELF header", 0, Math.min(64, f.size()), ByteOrder.LITTLE_ENDIAN));
            List<SectionHeader> sections = eh.shoff() == 0 || eh.shnum() == 0 ? List.of()
                    : SectionHeader.readAll(eh, f.read("section header table", eh.shoff(),
                            (long) eh.shnum() * SectionHeader.checkEntrySize(eh), eh.order()),
                            (offset, size) -> f.contains(offset, size) ? f.read("section name table", offset, size, eh.order()) : null);
            return use.apply(new ElfSections(eh, sections, f));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    public ElfHeader header() { return header; }
    public List<SectionHeader> sections() { return sections; }

    /** The program headers, read from the file (a file without them has none); a table past the file's end fails as a slice would. */
    public List<ProgramHeader> programHeaders() {
        if (header.phnum() == 0) return List.of();
        return ProgramHeader.readTable(file.read("program header table", header.phoff(),
                (long) header.phnum() * ProgramHeader.entrySize(header), header.order()), header);
    }

    /** The bytes of {@code s}, in the file's byte order (an I/O error comes as {@link UncheckedIOException}). */
    public ByteReader data(SectionHeader s) {
        return read.computeIfAbsent(s.index(), i -> s.data(file, header.order()));
    }
}
