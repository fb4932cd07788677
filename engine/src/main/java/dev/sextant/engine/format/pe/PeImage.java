package dev.sextant.engine.format.pe;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The headers of a PE image: DOS header, NT signature, COFF file header, optional header (PE32 or
 * PE32+) with its data directories, and the section table; plus RVA → file offset. Parsed eagerly
 * and fail-fast (typed {@link FormatException}); the data the directories point at is read by the
 * parsers that need it (exception table, imports…) through {@link #slice}. Immutable.
 */
public final class PeImage {
    public static final int IMAGE_FILE_MACHINE_I386 = 0x14c, IMAGE_FILE_MACHINE_AMD64 = 0x8664,
            IMAGE_FILE_MACHINE_ARM64 = 0xaa64;
    public static final int PE32 = 0x10b, PE32_PLUS = 0x20b;

    /** The COFF file header ({@code IMAGE_FILE_HEADER}). */
    public record FileHeader(int machine, int numberOfSections, long timeDateStamp, long pointerToSymbolTable,
                             long numberOfSymbols, int sizeOfOptionalHeader, int characteristics) {}

    /** The fields of {@code IMAGE_OPTIONAL_HEADER32/64} that tools use. */
    public record OptionalHeader(int magic, long addressOfEntryPoint, long imageBase, long sectionAlignment,
                                 long fileAlignment, long sizeOfImage, long sizeOfHeaders, long checkSum,
                                 int subsystem, int dllCharacteristics, List<DataDirectory> dataDirectories) {
        public boolean isPe32Plus() { return magic == PE32_PLUS; }
    }

    private final ByteReader file;
    private final long ntHeaderOffset;
    private final FileHeader fileHeader;
    private final OptionalHeader optionalHeader;
    private final List<PeSection> sections;

    private PeImage(ByteReader file, long ntHeaderOffset, FileHeader fh, OptionalHeader oh, List<PeSection> sections) {
        this.file = file; this.ntHeaderOffset = ntHeaderOffset; this.fileHeader = fh; this.optionalHeader = oh;
        this.sections = sections;
    }

    public static PeImage open(Path path) throws IOException {
        return read(ByteReader.map(path, ByteOrder.LITTLE_ENDIAN));
    }

    /** True if the bytes start with the DOS {@code MZ} magic (cheap format sniffing). */
    public static boolean looksLikePe(ByteReader file) {
        return file.size() >= 2 && file.u8("MZ", 0) == 'M' && file.u8("MZ", 1) == 'Z';
    }

    public static PeImage read(ByteReader input) {
        ByteReader f = input.withOrder(ByteOrder.LITTLE_ENDIAN);
        if (f.size() < 0x40) {
            throw new FormatException(FormatException.Kind.TRUNCATED, 0, "DOS header", "only " + f.size() + " bytes, too short for a DOS header");
        }
        if (!looksLikePe(f)) throw new FormatException(FormatException.Kind.BAD_MAGIC, 0, "DOS header", "not a PE image (no MZ magic)");
        long nt = f.u32("e_lfanew", 0x3c);
        if (f.u32("NT signature", nt) != 0x00004550L) {
            throw new FormatException(FormatException.Kind.BAD_MAGIC, nt, "NT signature", "no PE\\0\\0 signature at e_lfanew 0x" + Long.toHexString(nt));
        }
        String w = "COFF file header";
        long c = nt + 4;
        FileHeader fh = new FileHeader(f.u16(w, c), f.u16(w, c + 2), f.u32(w, c + 4), f.u32(w, c + 8), f.u32(w, c + 12),
                f.u16(w, c + 16), f.u16(w, c + 18));
        long o = c + 20;
        ByteReader opt = f.slice("optional header", o, fh.sizeOfOptionalHeader());
        w = "optional header";
        int magic = opt.u16(w, 0);
        if (magic != PE32 && magic != PE32_PLUS) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, o, w, "optional header magic 0x" + Integer.toHexString(magic));
        }
        boolean plus = magic == PE32_PLUS;
        long imageBase = plus ? opt.u64(w, 24) : opt.u32(w, 28);
        long count = opt.u32(w, plus ? 108 : 92);
        long dirs = plus ? 112 : 96;
        if (count > 16 || dirs + count * 8 > opt.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, o + (plus ? 108 : 92), "NumberOfRvaAndSizes",
                    count + " data directories do not fit in an optional header of " + opt.size() + " bytes");
        }
        List<DataDirectory> dd = new ArrayList<>();
        for (int i = 0; i < count; i++) dd.add(new DataDirectory(i, opt.u32(w, dirs + i * 8L), opt.u32(w, dirs + i * 8L + 4)));
        OptionalHeader oh = new OptionalHeader(magic, opt.u32(w, 16), imageBase, opt.u32(w, 32), opt.u32(w, 36),
                opt.u32(w, 56), opt.u32(w, 60), opt.u32(w, 64), opt.u16(w, 68), opt.u16(w, 70), List.copyOf(dd));
        long st = o + fh.sizeOfOptionalHeader();
        ByteReader table = f.slice("section table", st, 40L * fh.numberOfSections());
        ByteReader strings = stringTable(f, fh);
        List<PeSection> sections = new ArrayList<>();
        for (int i = 0; i < fh.numberOfSections(); i++) {
            long s = 40L * i;
            String sw = "section header " + i;
            String name = table.fixedString(sw, s, 8);
            if (name.startsWith("/") && strings != null) {
                try {
                    long off = Long.parseLong(name.substring(1));
                    if (off < strings.size()) name = strings.cString(sw + " long name", off, 256);
                } catch (NumberFormatException ignored) {
                    // keep the raw "/N" name: a viewer still shows something
                }
            }
            sections.add(new PeSection(i, name, table.u32(sw, s + 8), table.u32(sw, s + 12), table.u32(sw, s + 16),
                    table.u32(sw, s + 20), table.u32(sw, s + 36)));
        }
        return new PeImage(f, nt, fh, oh, List.copyOf(sections));
    }

    private static ByteReader stringTable(ByteReader f, FileHeader fh) {
        if (fh.pointerToSymbolTable() == 0) return null;
        long at = fh.pointerToSymbolTable() + fh.numberOfSymbols() * 18;
        if (!f.contains(at, 4)) return null;
        long len = f.u32("COFF string table size", at);
        return f.contains(at, len) && len >= 4 ? f.slice("COFF string table", at, len) : null;
    }

    public ByteReader file() { return file; }
    public long ntHeaderOffset() { return ntHeaderOffset; }
    public FileHeader fileHeader() { return fileHeader; }
    public OptionalHeader optionalHeader() { return optionalHeader; }
    public List<PeSection> sections() { return sections; }
    public long imageBase() { return optionalHeader.imageBase(); }

    public Optional<DataDirectory> directory(int index) {
        List<DataDirectory> d = optionalHeader.dataDirectories();
        return index < d.size() && d.get(index).isPresent() ? Optional.of(d.get(index)) : Optional.empty();
    }

    public Optional<PeSection> sectionContaining(long rva) {
        for (PeSection s : sections) if (s.containsRva(rva)) return Optional.of(s);
        return Optional.empty();
    }

    public Optional<PeSection> section(String name) {
        for (PeSection s : sections) if (s.name().equals(name)) return Optional.of(s);
        return Optional.empty();
    }

    /**
     * The file offset of {@code rva}: inside the headers, or inside a section's raw data. An RVA in a
     * section's zero-filled tail (virtual size beyond raw size) or outside every section fails.
     */
    public long rvaToFileOffset(long rva, String what) {
        if (rva >= 0 && rva < optionalHeader.sizeOfHeaders() && rva < file.size()) return rva;
        for (PeSection s : sections) {
            if (s.containsRva(rva)) {
                long delta = rva - s.virtualAddress();
                if (delta < s.sizeOfRawData()) return s.pointerToRawData() + delta;
                throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, s.pointerToRawData(), what,
                        "RVA 0x" + Long.toHexString(rva) + " is in the zero-filled part of section " + s.name());
            }
        }
        throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, 0, what,
                "RVA 0x" + Long.toHexString(rva) + " is outside every section");
    }

    /** {@code length} bytes at {@code rva}, checked against the section and the file. */
    public ByteReader slice(String what, long rva, long length) {
        return file.slice(what, rvaToFileOffset(rva, what), length);
    }

    /** The bytes from {@code rva} to the end of its section's raw data (for variable-length structures). */
    public ByteReader fromRva(String what, long rva) {
        if (rva >= 0 && rva < optionalHeader.sizeOfHeaders() && rva < file.size()) {
            return file.slice(what, rva, Math.min(optionalHeader.sizeOfHeaders(), file.size()) - rva);
        }
        long off = rvaToFileOffset(rva, what);
        PeSection s = sectionContaining(rva).orElseThrow();
        return file.slice(what, off, s.sizeOfRawData() - (rva - s.virtualAddress()));
    }
}
