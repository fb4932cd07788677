package dev.sextant.engine.dump.secondary;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The note Sextant stores a {@code KbCallbackSecondaryDumpData} blob in: owner {@value #OWNER},
 * type {@link #TYPE}; descriptor = GUID (16 bytes, most significant first), component name length
 * (u32, little-endian), component name (UTF-8), then the blob. Immutable.
 */
public record SecondaryDumpNote(UUID guid, String component, ByteReader blob) {
    public static final String OWNER = "SEXTANT";
    /** "SDD1": secondary dump data, layout 1. */
    public static final int TYPE = 0x31444453;
    /** The tag of such a note among a dump's secondary data. */
    public static final String TAG = String.format("note:%s:0x%x", OWNER, TYPE);
    /** Component names are cut to this many bytes. */
    public static final int MAX_COMPONENT = 256;

    /** The note's descriptor for a blob. */
    public static byte[] encode(UUID guid, String component, byte[] blob) {
        byte[] name = component.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(name.length, MAX_COMPONENT);
        ByteBuffer b = ByteBuffer.allocate(20 + n + blob.length);
        b.order(ByteOrder.BIG_ENDIAN).putLong(guid.getMostSignificantBits()).putLong(guid.getLeastSignificantBits());
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(n).put(name, 0, n).put(blob);
        return b.array();
    }

    /** Decodes a descriptor; throws {@link FormatException} when it is too short or its name overruns it. */
    public static SecondaryDumpNote decode(ByteReader desc) {
        String w = "SEXTANT secondary dump data";
        ByteReader be = desc.withOrder(ByteOrder.BIG_ENDIAN);
        UUID guid = new UUID(be.u64(w + " GUID", 0), be.u64(w + " GUID", 8));
        ByteReader le = desc.withOrder(ByteOrder.LITTLE_ENDIAN);
        long n = le.u32(w + " component length", 16);
        if (n > MAX_COMPONENT) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, 16, w, "component name of " + n + " bytes, at most " + MAX_COMPONENT);
        }
        String component = new String(le.bytes(w + " component", 20, n), StandardCharsets.UTF_8);
        ByteReader blob = desc.slice(w + " blob", 20 + n, desc.size() - 20 - n);
        return new SecondaryDumpNote(guid, component, blob);
    }
}
