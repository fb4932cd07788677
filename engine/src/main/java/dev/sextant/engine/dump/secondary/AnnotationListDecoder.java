package dev.sextant.engine.dump.secondary;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** A Crashpad module's list annotations, stored as NUL-separated strings: one line each. */
public final class AnnotationListDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() { return Set.of("crashpad:list"); }

    @Override public Decoded decode(SecondaryData data) {
        String s = new String(data.bytes().bytes("annotation list", 0, data.size()), StandardCharsets.UTF_8);
        return new Decoded.Text(String.join("\n", s.split("\0")));
    }
}
