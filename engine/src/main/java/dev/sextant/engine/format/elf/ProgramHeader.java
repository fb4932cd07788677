package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;

/** One program header ({@code Elf64_Phdr}): a segment's type, file range and memory range. */
public record ProgramHeader(int index, int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {

    public static final int PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    /** The size of an entry of {@code eh}'s class; an e_phentsize that says otherwise fails. */
    static int entrySize(ElfHeader eh) {
        int expected = eh.is64() ? 56 : 32;
        if (eh.phentsize() != expected) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, eh.is64() ? 54 : 42, "e_phentsize",
                    "program header size is " + eh.phentsize() + ", expected " + expected);
        }
        return expected;
    }

    /** Reads the whole table; a table that does not fit in the file fails with its offset. */
    public static List<ProgramHeader> readAll(ByteReader file, ElfHeader eh) {
        if (eh.phnum() == 0) return List.of();
        return readTable(file.slice("program header table", eh.phoff(), (long) eh.phnum() * entrySize(eh)), eh);
    }

    /** Reads the table from {@code table}, its bytes alone (e_phnum entries), as {@link #readAll} does. */
    public static List<ProgramHeader> readTable(ByteReader table, ElfHeader eh) {
        if (eh.phnum() == 0) return List.of();
        int expected = entrySize(eh);
        List<ProgramHeader> out = new ArrayList<>(eh.phnum());
        for (int i = 0; i < eh.phnum(); i++) {
            long o = (long) i * expected;
            String w = "program header " + i;
            if (eh.is64()) {
                out.add(new ProgramHeader(i, table.s32(w, o), table.s32(w, o + 4), table.u64(w, o + 8),
                        table.u64(w, o + 16), table.u64(w, o + 32), table.u64(w, o + 40), table.u64(w, o + 48)));
            } else {
                out.add(new ProgramHeader(i, table.s32(w, o), table.s32(w, o + 24), table.u32(w, o + 4),
                        table.u32(w, o + 8), table.u32(w, o + 16), table.u32(w, o + 20), table.u32(w, o + 28)));
            }
        }
        return List.copyOf(out);
    }
}
