package dev.sextant.engine.dump.secondary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Key/value text: {@code /proc/PID/status} ({@code Name:\tvalue}), {@code /etc/lsb-release}
 * ({@code KEY=value}) and the environment ({@code KEY=value}, NUL-separated).
 */
public final class KeyValueDecoder implements SecondaryDecoder {
    static final String STATUS = "minidump:0x47670004", LSB = "minidump:0x47670005", ENVIRON = "minidump:0x47670007";

    @Override public Set<String> tags() { return Set.of(STATUS, LSB, ENVIRON); }

    @Override public Decoded decode(SecondaryData data) {
        String s = new String(data.bytes().bytes("key/value text", 0, data.size()), StandardCharsets.UTF_8);
        String sep = data.tag().equals(STATUS) ? ":" : "=";
        String[] lines = data.tag().equals(ENVIRON) ? s.split("\0") : s.split("\n");
        List<Decoded.Entry> out = new ArrayList<>(lines.length);
        for (String line : lines) {
            if (line.isBlank()) continue;
            int cut = line.indexOf(sep);
            if (cut < 0) { out.add(new Decoded.Entry(line.strip(), "")); continue; }
            String v = line.substring(cut + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            out.add(new Decoded.Entry(line.substring(0, cut).strip(), v));
        }
        return new Decoded.KeyValues(out);
    }
}
