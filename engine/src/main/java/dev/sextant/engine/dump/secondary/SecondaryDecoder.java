package dev.sextant.engine.dump.secondary;

import java.util.Set;

/**
 * Decodes secondary dump data of the tags it names. One class per kind of data; register it in
 * {@link SecondaryDecoders}. May throw {@link dev.sextant.engine.format.io.FormatException} on bad
 * bytes: the registry then shows hex.
 */
public interface SecondaryDecoder {
    Set<String> tags();

    Decoded decode(SecondaryData data);
}
