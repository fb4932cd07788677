package dev.sextant.engine.dump.secondary;

import dev.sextant.engine.format.io.ByteReader;

/**
 * One piece of data a component added to a dump (the {@code .enumtag} / {@code !bugdump} analogue): a
 * minidump user or unknown stream, a Crashpad annotation, an ELF core note. {@code tag} is what the
 * decoders are looked up by ({@code minidump:0x47670003}, {@code note:CORE:0x1},
 * {@code crashpad:simple}); {@code name} is for people ({@code LinuxCpuInfo}, {@code NT_PRSTATUS}, an
 * annotation key); {@code component} who added it ({@code breakpad}, {@code CORE}, {@code crashpad
 * module crashy}). {@code bytes} views the dump's own bytes (nothing copied); {@code is64} tells
 * decoders of word-sized data the target's word size. Immutable.
 */
public record SecondaryData(String tag, String name, String component, ByteReader bytes, boolean is64) {

    public long size() { return bytes.size(); }

    /** Decoded by the decoder registered for {@link #tag}, or as hex. Never throws for bad bytes: falls back to hex. */
    public Decoded decode() { return SecondaryDecoders.standard().decode(this); }
}
