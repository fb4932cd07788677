package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decoders of the binary Linux streams Breakpad writes: the auxiliary vector and {@code r_debug} (DSO debug). */
public final class LinuxStreams {
    private LinuxStreams() {}

    /** {@code MDRawDebug} with its link map: the dynamic linker's view of the loaded objects. */
    public record DsoDebug(long version, long rBrk, long ldBase, long dynamic, List<LinkMapEntry> linkMap) {
        public DsoDebug { linkMap = List.copyOf(linkMap); }
    }

    /** {@code MDRawLinkMap}: load bias, name and address of the object's dynamic section. */
    public record LinkMapEntry(long addr, String name, long ld) {}

    public static Map<Long, Long> readAuxv(ByteReader b, boolean is64) {
        int ws = is64 ? 8 : 4;
        Map<Long, Long> out = new LinkedHashMap<>();
        for (long p = 0; p + 2L * ws <= b.size(); p += 2L * ws) {
            long key = b.word("auxv", p, is64);
            if (key == 0) break;
            out.put(key, b.word("auxv", p + ws, is64));
        }
        return out;
    }

    static DsoDebug readDsoDebug(ByteReader b, Minidump dump, boolean is64) {
        String w = "LinuxDsoDebug";
        int ws = is64 ? 8 : 4;
        long version = b.u32(w, 0), mapRva = b.u32(w, 4), count = b.u32(w, 8);
        long ptr = is64 ? 16 : 12; // pointers are naturally aligned after the three u32s
        long brk = b.word(w, ptr, is64), ldbase = b.word(w, ptr + ws, is64), dyn = b.word(w, ptr + 2L * ws, is64);
        long entry = is64 ? 24 : 12;
        if (count > dump.fileSize() / entry) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, b.base(), w, "claims " + count + " link map entries");
        }
        List<LinkMapEntry> map = new ArrayList<>((int) count);
        ByteReader m = dump.range(w + " link map", mapRva, count * entry);
        for (int i = 0; i < count; i++) {
            long o = i * entry;
            long addr = m.word(w, o, is64);
            long nameRva = m.u32(w, o + ws);
            long ld = m.word(w, o + (is64 ? 16 : 8), is64);
            String name;
            try {
                name = nameRva == 0 ? "" : dump.utf16String("link map name " + i, nameRva);
            } catch (FormatException e) {
                dump.problem(w + ": " + e.getMessage());
                name = "";
            }
            map.add(new LinkMapEntry(addr, name, ld));
        }
        return new DsoDebug(version, brk, ldbase, dyn, map);
    }
}
