package dev.sextant.engine.format.json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A streaming JSON writer straight to bytes, for outputs of tens of megabytes (every row of every
 * FDE of a large library): no intermediate strings for numbers, drained to the stream every 64 KiB.
 * The project's one JSON writer: also buffer-only ({@link #JsonOut()}, then {@link #text()}) for
 * small documents. Not thread-safe.
 */
public final class JsonOut {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final OutputStream out;
    private byte[] buf = new byte[1 << 17];
    private int len;
    private boolean needComma;

    public JsonOut(OutputStream out) { this.out = out; }

    /** A writer that keeps everything in its buffer (no stream, never flushed): see {@link #writeTo}, {@link #reset}. */
    public JsonOut() { this.out = null; }

    /** Writes what is buffered to {@code to} (for a writer made without a stream). */
    public void writeTo(OutputStream to) throws IOException { to.write(buf, 0, len); }

    /** Empties the buffer, keeping its capacity, for the next use. */
    public void reset() { len = 0; needComma = false; memoKey = null; }

    public JsonOut beginObject() { comma(); put('{'); needComma = false; return this; }
    public JsonOut endObject() { put('}'); needComma = true; return this; }
    public JsonOut beginArray() { comma(); put('['); needComma = false; return this; }
    public JsonOut endArray() { put(']'); needComma = true; return this; }

    public JsonOut name(String name) { comma(); string(name); put(':'); needComma = false; return this; }

    /** A name prepared by {@link #key}: for names written millions of times. */
    public JsonOut name(byte[] key) {
        comma();
        ensure(key.length);
        System.arraycopy(key, 0, buf, len, key.length);
        len += key.length;
        needComma = false;
        return this;
    }

    /** The bytes of {@code "name":}, for {@link #name(byte[])}; the name must be printable ASCII without quotes. */
    public static byte[] key(String name) {
        return ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    public JsonOut value(String s) {
        comma();
        if (s == null) ascii("null"); else string(s);
        needComma = true;
        return this;
    }

    public JsonOut value(long v) { comma(); decimal(v); needComma = true; return this; }
    public JsonOut value(boolean v) { comma(); ascii(v ? "true" : "false"); needComma = true; return this; }
    public JsonOut nullValue() { comma(); ascii("null"); needComma = true; return this; }

    /** {@code "0x…"} lower-case hex, unsigned. */
    public JsonOut hex(long v) {
        ensure(21);
        if (needComma) buf[len++] = ',';
        buf[len++] = '"'; buf[len++] = '0'; buf[len++] = 'x';
        rawHex(v);
        buf[len++] = '"';
        needComma = true;
        return this;
    }

    /** A string value {@code "<prefix><signed decimal>"}, e.g. {@code "c-8"}. */
    public JsonOut prefixedSigned(char prefix, long v) {
        comma();
        put('"'); put(prefix);
        if (v >= 0) put('+');
        decimal(v);
        put('"');
        needComma = true;
        return this;
    }

    /** A string value {@code "<name><signed decimal>"}, e.g. {@code "rsp+8"}. */
    public JsonOut registerOffset(String reg, long v) {
        comma();
        put('"'); rawAscii(reg);
        if (v >= 0) put('+');
        decimal(v);
        put('"');
        needComma = true;
        return this;
    }

    public void newline() { put('\n'); }

    private Object memoKey;
    private int memoStart, memoLength;

    /**
     * If the last value {@link #memo memoized} was for {@code key} (by identity), writes its bytes again
     * and returns true: most CFI rows repeat the previous row's register rules. A flush forgets it.
     */
    public boolean repeat(Object key) {
        if (key == null || key != memoKey) return false;
        comma();
        ensure(memoLength);
        System.arraycopy(buf, memoStart, buf, len, memoLength);
        len += memoLength;
        needComma = true;
        return true;
    }

    /** Position to pass to {@link #memo} after writing a value. */
    public int mark() { return len + (needComma ? 1 : 0); }

    /** Remembers the value written since {@code mark} as the bytes for {@code key}. */
    public void memo(Object key, int mark) {
        memoKey = key;
        memoStart = mark;
        memoLength = len - mark;
    }

    /** Bytes written since the last flush: a position for {@link #copy}. */
    public int position() { return len; }

    /** A copy of what was written between two {@link #position}s (no flush in between). */
    public byte[] copy(int from, int to) { return java.util.Arrays.copyOfRange(buf, from, to); }

    /**
     * An array element {@code <head><hex of value><tail[from, to)>}, where head and tail are bytes
     * captured from an earlier element of the same shape: one formatted value, the rest copied.
     */
    public JsonOut element(byte[] head, long value, byte[] tail, int from, int to) {
        comma();
        ensure(head.length + 16 + (to - from));
        System.arraycopy(head, 0, buf, len, head.length);
        len += head.length;
        rawHex(value);
        System.arraycopy(tail, from, buf, len, to - from);
        len += to - from;
        needComma = true;
        return this;
    }

    /** The next value follows a sibling written elsewhere (another chunk of the same array). */
    public void afterSibling() { needComma = true; }

    /** What is buffered, as text (for a writer made without a stream). */
    public String text() { return new String(buf, 0, len, StandardCharsets.UTF_8); }

    /** Writes what is buffered once it passes 64 KiB; call between entries. */
    public void maybeFlush() { if (out != null && len > (1 << 16)) flush(); }

    public void flush() {
        try {
            out.write(buf, 0, len);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        len = 0;
        memoKey = null;
    }

    private void comma() { if (needComma) put(','); }

    private void ensure(int n) {
        if (len + n > buf.length) {
            byte[] b = new byte[Math.max(buf.length * 2, len + n)];
            System.arraycopy(buf, 0, b, 0, len);
            buf = b;
        }
    }

    private void put(char c) {
        if (len == buf.length) ensure(1);
        buf[len++] = (byte) c;
    }

    private void ascii(String s) { rawAscii(s); }

    private void rawAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
    }

    private void rawHex(long v) {
        ensure(16);
        int digits = v == 0 ? 1 : (67 - Long.numberOfLeadingZeros(v)) / 4;
        for (int i = digits - 1; i >= 0; i--) buf[len++] = HEX[(int) (v >>> (i * 4)) & 0xf];
    }

    /** "0".."2047" as bytes: CFA and register offsets are small, and written millions of times. */
    private static final byte[][] SMALL = new byte[2048][];
    static {
        for (int i = 0; i < SMALL.length; i++) SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    }

    private void decimal(long v) {
        if (v > -SMALL.length && v < SMALL.length) {
            byte[] d = SMALL[(int) Math.abs(v)];
            ensure(d.length + 1);
            if (v < 0) buf[len++] = '-';
            System.arraycopy(d, 0, buf, len, d.length);
            len += d.length;
            return;
        }
        if (v == Long.MIN_VALUE) { rawAscii(Long.toString(v)); return; }
        ensure(20);
        if (v < 0) { buf[len++] = '-'; v = -v; }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) digits++;
        for (int i = len + digits - 1; i >= len; i--) { buf[i] = (byte) ('0' + v % 10); v /= 10; }
        len += digits;
    }

    private void string(String s) {
        put('"');
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                if (len == buf.length) ensure(1);
                buf[len++] = (byte) c;
            } else {
                escape(c, s, i);
                if (Character.isHighSurrogate(c) && i + 1 < n) i++;
            }
        }
        put('"');
    }

    private void escape(char c, String s, int i) {
        switch (c) {
            case '"' -> rawAscii("\\\"");
            case '\\' -> rawAscii("\\\\");
            case '\n' -> rawAscii("\\n");
            case '\r' -> rawAscii("\\r");
            case '\t' -> rawAscii("\\t");
            default -> {
                if (c < 0x20 || c == 0x7f) {
                    rawAscii(String.format("\\u%04x", (int) c));
                } else {
                    String cp = Character.isHighSurrogate(c) && i + 1 < s.length() ? s.substring(i, i + 2) : String.valueOf(c);
                    byte[] b = cp.getBytes(StandardCharsets.UTF_8);
                    ensure(b.length);
                    System.arraycopy(b, 0, buf, len, b.length);
                    len += b.length;
                }
            }
        }
    }
}
