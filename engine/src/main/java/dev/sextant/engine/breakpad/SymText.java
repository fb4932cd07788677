package dev.sextant.engine.breakpad;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable ASCII buffer for {@code .sym} text: hexadecimal and decimal numbers are written as bytes
 * straight into it, with no {@code String} in between (a large library's export writes tens of
 * megabytes of them). One thread per buffer; the export joins the buffers in order.
 */
final class SymText {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private byte[] bytes;
    private int size;

    /** {@code s}'s ASCII bytes, for the constant parts of records. */
    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    SymText(int capacity) { bytes = new byte[Math.max(16, capacity)]; }

    int size() { return size; }

    /** Drops what was written after {@code size} (a mark taken with {@link #size()}). */
    void truncate(int size) { this.size = size; }

    /** Empties the buffer for reuse (its capacity is kept). */
    void clear() { size = 0; }

    private void room(int n) {
        if (size + n > bytes.length) grow(n);       // small enough for C1 to inline into every append
    }

    private void grow(int n) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
    }

    SymText ascii(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) bytes[size++] = (byte) s.charAt(i);
        return this;
    }

    /** {@code s} in UTF-8 (an unpaired surrogate as {@code ?}, as {@link String#getBytes} writes it). */
    SymText utf8(String s) {
        int n = s.length(), start = size;
        room(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) { size = start; return raw(s.getBytes(StandardCharsets.UTF_8)); }
            bytes[size++] = (byte) c;
        }
        return this;
    }

    /** Bytes already encoded (register names, kept once per export). */
    SymText raw(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    SymText ch(char c) {
        room(1);
        bytes[size++] = (byte) c;
        return this;
    }

    /** {@code v} as unsigned hexadecimal, lower case, no prefix (as {@link Long#toHexString}). */
    SymText hex(long v) {
        int digits = v == 0 ? 1 : (67 - Long.numberOfLeadingZeros(v)) >> 2;
        room(digits);
        for (int i = size + digits - 1; i >= size; i--) { bytes[i] = HEX[(int) (v & 15)]; v >>>= 4; }
        size += digits;
        return this;
    }

    /** {@code v} in decimal, with a minus sign when negative (as {@link Long#toString}). */
    SymText dec(long v) {
        if (v == Long.MIN_VALUE) return ascii(Long.toString(v));
        room(20);
        if (v < 0) { bytes[size++] = '-'; v = -v; }
        if (v <= Integer.MAX_VALUE) return decInt((int) v);   // C1 divides a long by calling into the VM: twice a digit
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) digits++;
        for (int i = size + digits - 1; i >= size; i--) { bytes[i] = (byte) ('0' + v % 10); v /= 10; }
        size += digits;
        return this;
    }

    /** {@code v} (not negative) in decimal, room made. */
    private SymText decInt(int v) {
        int digits = 1;
        for (int t = v; t >= 10; t /= 10) digits++;
        for (int i = size + digits - 1; i >= size; i--) { int q = v / 10; bytes[i] = (byte) ('0' + v - q * 10); v = q; }
        size += digits;
        return this;
    }

    void writeTo(OutputStream out) throws IOException { out.write(bytes, 0, size); }
}
