package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Writes a copy of an ELF file with its {@code SHF_COMPRESSED} sections (zlib, as Debian's
 * {@code -dbg} packages ship them) stored uncompressed, as {@code eu-elfcompress -t none} does.
 * libdw inflates compressed DWARF every time a file is opened; a debugger reading the same
 * debug files again and again reads the uncompressed copy instead.
 *
 * <p>Sections before the first compressed one keep their offsets (so program headers, which
 * point at the notes there, stay right); the rest are laid out after them in file order, and
 * the section header table goes last. Sections compressed with anything but zlib, sizes beyond
 * {@link #MAX_SECTION}, and data that does not inflate to the size its header states fail with
 * a {@link FormatException}: the caller then uses the file as it is.
 */
public final class ElfDecompressor {
    private ElfDecompressor() {}

    /** {@code ELFCOMPRESS_ZLIB}. */
    private static final int ELFCOMPRESS_ZLIB = 1;
    /** Largest uncompressed section this writes (the JVM's array limit, and a sanity bound). */
    public static final long MAX_SECTION = 1L << 30;

    /** True if any section of {@code file} is compressed. */
    public static boolean hasCompressedSections(ByteReader file) {
        ElfHeader eh = ElfHeader.read(file);
        for (SectionHeader s : SectionHeader.readAll(file, eh)) {
            if ((s.flags() & SectionHeader.SHF_COMPRESSED) != 0 && s.hasFileData()) return true;
        }
        return false;
    }

    /**
     * Writes the uncompressed copy of {@code file} to {@code out} (created or replaced) and returns
     * how many sections were inflated.
     */
    public static int write(ByteReader file, Path out) throws IOException {
        ElfHeader eh = ElfHeader.read(file);
        ByteReader r = file.withOrder(eh.order());
        List<SectionHeader> sections = SectionHeader.readAll(r, eh);
        List<SectionHeader> inFile = new ArrayList<>();
        for (SectionHeader s : sections) if (s.hasFileData()) inFile.add(s);
        inFile.sort(Comparator.comparingLong(SectionHeader::offset));

        long firstCompressed = Long.MAX_VALUE;
        for (SectionHeader s : inFile) {
            if ((s.flags() & SectionHeader.SHF_COMPRESSED) != 0) { firstCompressed = s.offset(); break; }
        }
        if (firstCompressed == Long.MAX_VALUE) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, 0, "sections", "no compressed section");
        }
        long[] newOffset = new long[sections.size()];
        long[] newSize = new long[sections.size()];
        long[] newAlign = new long[sections.size()];
        for (SectionHeader s : sections) {
            newOffset[s.index()] = s.offset();
            newSize[s.index()] = s.size();
            newAlign[s.index()] = s.addralign();
        }
        // Keep everything before the first compressed section where it is (headers, notes).
        long end = Math.max(eh.phoff() + (long) eh.phnum() * eh.phentsize(), eh.is64() ? 64 : 52);
        for (SectionHeader s : inFile) {
            if (s.offset() < firstCompressed) end = Math.max(end, s.offset() + s.size());
        }
        for (SectionHeader s : inFile) {
            if (s.offset() < firstCompressed) continue;
            long size = s.size();
            long align = Math.max(1, s.addralign());
            if ((s.flags() & SectionHeader.SHF_COMPRESSED) != 0) {
                Chdr ch = chdr(r, s, eh.is64());
                size = ch.size();
                align = Math.max(1, ch.align());
                newAlign[s.index()] = ch.align();
            }
            end = align(end, align);
            newOffset[s.index()] = end;
            newSize[s.index()] = size;
            end += size;
        }
        int shentsize = eh.is64() ? 64 : 40;
        long shoff = align(end, 8);

        int inflated = 0;
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // The ELF header, with the new section header table offset.
            ByteBuffer head = ByteBuffer.wrap(r.bytes("ELF header", 0, eh.is64() ? 64 : 52)).order(eh.order());
            if (eh.is64()) head.putLong(40, shoff); else head.putInt(32, (int) shoff);
            writeFully(ch, head, 0);
            // Everything kept in place: program headers and the sections before the first compressed one.
            long keepEnd = Math.min(firstCompressed, r.size());
            long from = eh.is64() ? 64 : 52;
            if (keepEnd > from) copy(ch, r, from, keepEnd - from, from);
            Inflater inflater = new Inflater();
            try {
                for (SectionHeader s : inFile) {
                    if (s.offset() < firstCompressed) continue;
                    long at = newOffset[s.index()];
                    if ((s.flags() & SectionHeader.SHF_COMPRESSED) == 0) {
                        copy(ch, r, s.offset(), s.size(), at);
                        continue;
                    }
                    Chdr c = chdr(r, s, eh.is64());
                    byte[] packed = r.bytes("compressed section " + s.name(), s.offset() + c.headerSize(),
                            s.size() - c.headerSize());
                    byte[] plain = new byte[(int) c.size()];
                    inflater.reset();
                    inflater.setInput(packed);
                    int n;
                    try {
                        n = inflater.inflate(plain);
                    } catch (DataFormatException e) {
                        throw new FormatException(FormatException.Kind.INCONSISTENT, s.offset(), "section " + s.name(),
                                "compressed data is corrupt (" + e.getMessage() + ")");
                    }
                    if (n != plain.length || !inflater.finished()) {
                        throw new FormatException(FormatException.Kind.SIZE_MISMATCH, s.offset(), "section " + s.name(),
                                "inflates to " + n + " bytes, its header says " + plain.length);
                    }
                    writeFully(ch, ByteBuffer.wrap(plain), at);
                    inflated++;
                }
            } finally {
                inflater.end();
            }
            // The section header table: new offsets and sizes, SHF_COMPRESSED cleared.
            ByteBuffer table = ByteBuffer.wrap(r.bytes("section header table", eh.shoff(), (long) eh.shnum() * shentsize))
                    .order(eh.order());
            for (SectionHeader s : sections) {
                int o = s.index() * shentsize;
                long flags = s.flags() & ~SectionHeader.SHF_COMPRESSED;
                if (eh.is64()) {
                    table.putLong(o + 8, flags);
                    table.putLong(o + 24, newOffset[s.index()]);
                    table.putLong(o + 32, newSize[s.index()]);
                    table.putLong(o + 48, newAlign[s.index()]);
                } else {
                    table.putInt(o + 8, (int) flags);
                    table.putInt(o + 16, (int) newOffset[s.index()]);
                    table.putInt(o + 20, (int) newSize[s.index()]);
                    table.putInt(o + 32, (int) newAlign[s.index()]);
                }
            }
            writeFully(ch, table, shoff);
        }
        return inflated;
    }

    /** {@code Elf64_Chdr} / {@code Elf32_Chdr}: type, uncompressed size, alignment. */
    private record Chdr(long size, long align, int headerSize) {}

    private static Chdr chdr(ByteReader r, SectionHeader s, boolean is64) {
        String w = "compression header of " + s.name();
        int type = (int) r.u32(w, s.offset());
        if (type != ELFCOMPRESS_ZLIB) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, s.offset(), w,
                    "compression type " + type + " (only zlib is inflated here)");
        }
        long size = is64 ? r.u64(w, s.offset() + 8) : r.u32(w, s.offset() + 4);
        long align = is64 ? r.u64(w, s.offset() + 16) : r.u32(w, s.offset() + 8);
        int headerSize = is64 ? 24 : 12;
        if (size < 0 || size > MAX_SECTION || s.size() < headerSize) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, s.offset(), w,
                    "uncompressed size " + Long.toUnsignedString(size) + " is not plausible");
        }
        if (align < 0 || align > 4096 || (align & (align - 1)) != 0) align = 1;
        return new Chdr(size, align, headerSize);
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }

    private static void copy(FileChannel ch, ByteReader r, long from, long length, long to) throws IOException {
        final int chunk = 1 << 20;
        for (long done = 0; done < length; done += chunk) {
            int n = (int) Math.min(chunk, length - done);
            writeFully(ch, ByteBuffer.wrap(r.bytes("section data", from + done, n)), to + done);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) at += ch.write(b, at);
    }
}
