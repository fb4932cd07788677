package dev.sextant.engine.dump.secondary;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** UTF-8 text: /proc/cpuinfo and maps from Breakpad, Mozilla's JSON streams, string annotations, comments. */
public final class TextDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() {
        return Set.of("minidump:0x47670003", "minidump:0x47670009", "minidump:0x4d7a0003", "minidump:0x4d7a0004",
                "minidump:0xa", "crashpad:simple", "crashpad:annotation:0x1");
    }

    @Override public Decoded decode(SecondaryData data) {
        byte[] raw = data.bytes().bytes("text", 0, data.size());
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) end--;
        return new Decoded.Text(new String(raw, 0, end, StandardCharsets.UTF_8));
    }
}
