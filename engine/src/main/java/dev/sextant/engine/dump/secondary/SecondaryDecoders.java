package dev.sextant.engine.dump.secondary;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the decoder for a tag; data no decoder knows, or that its decoder rejects, is shown as hex. Immutable. */
public final class SecondaryDecoders {
    /** Hex views stop here; the size column still tells the whole size. */
    public static final int HEX_LIMIT = 4096;

    private static final SecondaryDecoders STANDARD = new SecondaryDecoders(List.of(new TextDecoder(), new CommandLineDecoder(),
            new KeyValueDecoder(), new AuxvDecoder(), new SiginfoDecoder(), new NtFileDecoder(), new AnnotationListDecoder(),
            new PrpsinfoDecoder(), new Utf16TextDecoder(), new SecondaryDumpDataDecoder()));

    private final Map<String, SecondaryDecoder> byTag = new HashMap<>();

    public SecondaryDecoders(List<SecondaryDecoder> decoders) {
        for (SecondaryDecoder d : decoders) for (String t : d.tags()) byTag.put(t, d);
    }

    public static SecondaryDecoders standard() { return STANDARD; }

    public Optional<SecondaryDecoder> decoderFor(String tag) { return Optional.ofNullable(byTag.get(tag)); }

    public Decoded decode(SecondaryData data) {
        SecondaryDecoder d = byTag.get(data.tag());
        if (d != null) {
            try {
                return d.decode(data);
            } catch (FormatException e) {
                return hex(data.bytes());
            }
        }
        return hex(data.bytes());
    }

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    public static Decoded.Hex hex(ByteReader b) {
        int n = (int) Math.min(b.size(), HEX_LIMIT);
        byte[] raw = b.bytes("data", 0, n);
        StringBuilder sb = new StringBuilder((n / 16 + 1) * 78);
        for (int off = 0; off < n; off += 16) {
            for (int shift = 28; shift >= 0; shift -= 4) sb.append(DIGITS[(off >>> shift) & 0xf]);
            sb.append(' ');
            for (int i = 0; i < 16; i++) {
                if (off + i < n) {
                    int v = raw[off + i] & 0xff;
                    sb.append(' ').append(DIGITS[v >>> 4]).append(DIGITS[v & 0xf]);
                } else {
                    sb.append("   ");
                }
            }
            sb.append("  ");
            for (int i = 0; i < 16 && off + i < n; i++) {
                int v = raw[off + i] & 0xff;
                sb.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
            }
            sb.append('\n');
        }
        return new Decoded.Hex(sb.toString(), b.size() > n);
    }
}
