package dev.sextant.engine.dump.secondary;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** UTF-16LE text: the minidump {@code CommentStreamW} a writer's caller may add. */
public final class Utf16TextDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() { return Set.of("minidump:0xb"); }

    @Override public Decoded decode(SecondaryData data) {
        byte[] raw = data.bytes().bytes("text", 0, data.size() & ~1L);
        return new Decoded.Text(new String(raw, StandardCharsets.UTF_16LE).replaceAll("\0+$", ""));
    }
}
