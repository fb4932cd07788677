package dev.sextant.engine.format.io;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Bytes handed on to {@code sink} in chunks of at most 64 KiB, in order: how a listing of tens of
 * megabytes (every row of a library's unwind tables, every instruction of its code) leaves the engine
 * as {@code OutputWritten} events while it is written, never held whole. Not thread-safe.
 */
public final class ChunkedOutput extends OutputStream {
    /** The largest chunk: 64 KiB. */
    public static final int CHUNK = 1 << 16;
    /** A piece at least this long is handed on as it is ({@link #handOn}), not copied. */
    private static final int OWN = CHUNK / 4;

    private final Consumer<byte[]> sink;
    private byte[] buf = new byte[CHUNK];
    private int n;

    public ChunkedOutput(Consumer<byte[]> sink) { this.sink = sink; }

    @Override public void write(int b) {
        if (n == buf.length) drain();
        buf[n++] = (byte) b;
    }

    @Override public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (n == buf.length) drain();
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    /** All of {@code b} (as {@link #write(byte[])}, without its {@code IOException}: the sink throws none). */
    public void append(byte[] b) { write(b, 0, b.length); }

    /**
     * As {@link #append}, for an array that the caller gives up: one of 16 to 64 KiB is handed on as a
     * chunk of its own, after what is buffered, not copied (a listing of libc's code is 18 MB of them).
     */
    public void handOn(byte[] b) {
        if (b.length < OWN || b.length > CHUNK) {
            append(b);
            return;
        }
        if (n > 0) drain();
        sink.accept(b);
    }

    private void drain() {
        sink.accept(n == buf.length ? buf : Arrays.copyOf(buf, n));
        buf = new byte[CHUNK];
        n = 0;
    }

    /** Hands on what is left. */
    @Override public void close() { if (n > 0) drain(); }
}
