package dev.sextant.app.cli;

import dev.sextant.engine.api.AddressInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The text lines of {@code symbols --addr}, one per address ({@code ADDR module!symbol+0xOFF file:line})
 * and one per inlined call, written into one byte buffer. Module, symbol and file names come back
 * as the same String objects lookup after lookup, so each is encoded once.
 */
final class AddressLines {
    private static final byte[] UNKNOWN = {'?'}, INLINED = "    inlined ".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[1 << 16];
    private int n;
    private final Map<String, byte[]> encoded = new IdentityHashMap<>();

    private AddressLines() {}

    static AddressLines of(List<AddressInfo> infos) {
        AddressLines w = new AddressLines();
        for (AddressInfo i : infos) w.add(i);
        return w;
    }

    private void add(AddressInfo i) {
        hex(i.address().value());
        put((byte) ' ');
        name(i.module());
        put((byte) '!');
        name(i.symbol());
        if (i.offset() != 0) {
            put((byte) '+');
            hex(i.offset());
        }
        position(i.file(), i.line());
        put((byte) '\n');
        for (AddressInfo.Inline in : i.inlines()) {
            put(INLINED);
            name(in.function());
            position(in.file(), in.line());
            put((byte) '\n');
        }
    }

    private void position(Optional<String> file, OptionalInt line) {
        if (file.isEmpty()) return;
        put((byte) ' ');
        put(bytes(file.get()));
        if (line.isPresent()) {
            put((byte) ':');
            decimal(line.getAsInt());
        }
    }

    private void name(Optional<String> s) { put(s.isPresent() ? bytes(s.get()) : UNKNOWN); }

    private byte[] bytes(String s) {
        byte[] b = encoded.get(s);
        if (b == null) encoded.put(s, b = s.getBytes(StandardCharsets.UTF_8));
        return b;
    }

    /** {@code 0x} and the value as unsigned hex, as {@code "0x" + Long.toHexString(v)}. */
    private void hex(long v) {
        ensure(18);
        buf[n++] = '0';
        buf[n++] = 'x';
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        for (int k = digits - 1; k >= 0; k--) buf[n++] = (byte) Character.forDigit((int) (v >>> (4 * k)) & 0xf, 16);
    }

    private void decimal(int v) { put(Integer.toString(v).getBytes(StandardCharsets.US_ASCII)); }

    private void put(byte b) {
        ensure(1);
        buf[n++] = b;
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
    }

    private void ensure(int more) {
        if (n + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }

    void writeTo(OutputStream out) {
        try {
            out.write(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
