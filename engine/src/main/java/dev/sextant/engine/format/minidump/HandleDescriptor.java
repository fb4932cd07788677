package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code MINIDUMP_HANDLE_DESCRIPTOR(_2)}: one open handle, its type and object names where the writer kept them. */
public record HandleDescriptor(long handle, Optional<String> typeName, Optional<String> objectName, long attributes,
                               long grantedAccess, long handleCount, long pointerCount) {
    static List<HandleDescriptor> readList(ByteReader b, Minidump dump) {
        String w = "HandleData";
        long headerSize = b.u32(w, 0), entrySize = b.u32(w, 4), count = b.u32(w, 8);
        if (headerSize < 16 || entrySize < 32 || headerSize > b.size()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, b.base(), w,
                    "header of " + headerSize + " bytes with descriptors of " + entrySize + " bytes");
        }
        Minidump.listStart(b, w, count, headerSize, entrySize);
        List<HandleDescriptor> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            long o = headerSize + i * entrySize;
            out.add(new HandleDescriptor(b.u64(w, o), name(dump, b.u32(w, o + 8)), name(dump, b.u32(w, o + 12)),
                    b.u32(w, o + 16), b.u32(w, o + 20), b.u32(w, o + 24), b.u32(w, o + 28)));
        }
        return List.copyOf(out);
    }

    private static Optional<String> name(Minidump dump, long rva) {
        if (rva == 0) return Optional.empty();
        try {
            return Optional.of(dump.utf16String("handle name", rva));
        } catch (FormatException e) {
            dump.problem("HandleData: " + e.getMessage());
            return Optional.empty();
        }
    }
}
