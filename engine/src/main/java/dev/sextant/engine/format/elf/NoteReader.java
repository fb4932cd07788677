package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;

/** Splits a {@code PT_NOTE} segment or {@code SHT_NOTE} section into notes (4-byte aligned, as Linux writes them). */
public final class NoteReader {
    private NoteReader() {}

    public static List<Note> read(ByteReader segment, String what) {
        List<Note> notes = new ArrayList<>();
        long pos = 0;
        long size = segment.size();
        int index = 0;
        while (pos + 12 <= size) {
            String w = what + " note " + index;
            long namesz = segment.u32(w, pos);
            long descsz = segment.u32(w, pos + 4);
            int type = segment.s32(w, pos + 8);
            long nameOff = pos + 12;
            long descOff = nameOff + align4(namesz);
            if (!segment.contains(nameOff, align4(namesz)) || !segment.contains(descOff, descsz)) {
                throw new FormatException(FormatException.Kind.TRUNCATED, segment.base() + pos, w,
                        "note of " + namesz + "+" + descsz + " bytes runs past the end of its segment");
            }
            String owner = namesz == 0 ? "" : segment.fixedString(w + " name", nameOff, (int) namesz);
            notes.add(new Note(owner, type, segment.slice(w + " descriptor", descOff, descsz), segment.base() + descOff));
            pos = descOff + align4(descsz);
            index++;
        }
        return List.copyOf(notes);
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }
}
