package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/** The GNU build-id of an ELF file ({@code NT_GNU_BUILD_ID} in a {@code PT_NOTE}), as lowercase hex. */
public final class BuildId {
    private BuildId() {}

    public static Optional<String> of(ByteReader file) {
        ElfHeader eh = ElfHeader.read(file);
        ByteReader r = file.withOrder(eh.order());
        for (ProgramHeader ph : ProgramHeader.readAll(r, eh)) {
            if (ph.type() != ProgramHeader.PT_NOTE) continue;
            for (Note n : NoteReader.read(r.slice("PT_NOTE segment " + ph.index(), ph.offset(), ph.filesz()), "PT_NOTE segment")) {
                if (n.owner().equals("GNU") && n.type() == Note.NT_GNU_BUILD_ID) {
                    return Optional.of(HexFormat.of().formatHex(n.desc().bytes("build-id", 0, n.desc().size())));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The build-id of a file on disk; empty when it has none or is not a readable ELF file. The
     * headers and notes sit in the first pages of a linked file: those are read (a mapping costs
     * more to set up than the whole lookup); anything further out is mapped.
     */
    public static Optional<String> ofFile(Path path) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(path.toFile(), "r")) {
            long size = f.length();
            byte[] head = new byte[(int) Math.min(size, HEAD)];
            f.readFully(head);
            try {
                return of(ByteReader.of(head, ByteOrder.LITTLE_ENDIAN));
            } catch (FormatException e) {
                if (size <= HEAD) return Optional.empty();
            }
            return of(ByteReader.map(path, ByteOrder.LITTLE_ENDIAN));
        } catch (IOException | FormatException e) {
            return Optional.empty();
        }
    }

    private static final int HEAD = 64 * 1024;
}
