package dev.sextant.engine.dump.secondary;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** {@code NT_FILE}: the mapped files, one line each: {@code start-end offset path}. */
public final class NtFileDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() { return Set.of("note:CORE:0x46494c45"); }

    @Override public Decoded decode(SecondaryData data) {
        ByteReader d = data.bytes();
        boolean is64 = data.is64();
        int ws = is64 ? 8 : 4;
        String w = "NT_FILE";
        long count = d.word(w, 0, is64), pageSize = d.word(w, ws, is64);
        if (count < 0 || count > d.size() / (3L * ws)) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, d.base(), w, "claims " + count + " entries");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("page size ").append(pageSize).append('\n');
        long namePos = 2L * ws + count * 3 * ws;
        for (int i = 0; i < count; i++) {
            long e = 2L * ws + (long) i * 3 * ws;
            String path = d.cString(w + " name " + i, namePos, 4096);
            namePos += path.getBytes(StandardCharsets.UTF_8).length + 1;
            sb.append(String.format("%016x-%016x %08x %s%n", d.word(w, e, is64), d.word(w, e + ws, is64),
                    d.word(w, e + 2L * ws, is64) * pageSize, path));
        }
        return new Decoded.Text(sb.toString());
    }
}
