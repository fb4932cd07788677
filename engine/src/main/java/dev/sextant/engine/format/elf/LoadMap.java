package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.List;

/**
 * Translates link-time virtual addresses to file offsets through the {@code PT_LOAD} segments, the
 * way a loader sees a file before mapping it. Dynamic tags hold addresses, not offsets, so every
 * table they point at goes through here. Immutable.
 */
public record LoadMap(List<ProgramHeader> loads) {

    public static LoadMap of(List<ProgramHeader> phdrs) {
        java.util.ArrayList<ProgramHeader> loads = new java.util.ArrayList<>();
        for (ProgramHeader p : phdrs) if (p.type() == ProgramHeader.PT_LOAD) loads.add(p);
        return new LoadMap(List.copyOf(loads));
    }

    /**
     * The file offset of {@code length} bytes at {@code vaddr}, which must lie in the file part of
     * one segment; otherwise an {@link FormatException.Kind#OUT_OF_BOUNDS} error naming {@code what}.
     */
    public long fileOffset(String what, long vaddr, long length) {
        for (ProgramHeader p : loads) {
            long rel = vaddr - p.vaddr();
            if (Long.compareUnsigned(vaddr, p.vaddr()) >= 0 && Long.compareUnsigned(rel, p.filesz()) < 0
                    && length >= 0 && Long.compareUnsigned(length, p.filesz() - rel) <= 0) {
                long off = p.offset() + rel;
                if (off < 0) break;
                return off;
            }
        }
        throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, vaddr, what,
                "address 0x" + Long.toHexString(vaddr) + " (+" + length + " bytes) is not in the file part of any loadable segment");
    }

    /** A bounded view of {@code length} bytes at {@code vaddr}. */
    public ByteReader slice(ByteReader file, String what, long vaddr, long length) {
        return file.slice(what, fileOffset(what, vaddr, length), length);
    }

    /** A view from {@code vaddr} to the end of its segment's file part (for tables of unknown length). */
    public ByteReader sliceToSegmentEnd(ByteReader file, String what, long vaddr) {
        for (ProgramHeader p : loads) {
            long rel = vaddr - p.vaddr();
            if (Long.compareUnsigned(vaddr, p.vaddr()) >= 0 && Long.compareUnsigned(rel, p.filesz()) < 0) {
                long off = p.offset() + rel;
                long len = Math.min(p.filesz() - rel, file.size() - off);
                if (off < 0 || off > file.size() || len < 0) break;
                return file.slice(what, off, len);
            }
        }
        throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, vaddr, what,
                "address 0x" + Long.toHexString(vaddr) + " is not in the file part of any loadable segment");
    }
}
