package dev.sextant.engine.dump;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the compressed bytes a decompressor has read (the offset an error names) and reports progress every 4 MiB. */
final class CountingInput extends FilterInputStream {
    private static final long STEP = 4L << 20;

    private final long total;
    private final CoreCache.Progress progress;
    private long count;
    private long reported;

    CountingInput(InputStream in, long total, CoreCache.Progress progress) {
        super(in);
        this.total = total;
        this.progress = progress;
    }

    long count() { return count; }

    @Override public int read() throws IOException {
        int b = super.read();
        if (b >= 0) advance(1);
        return b;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) advance(n);
        return n;
    }

    @Override public long skip(long n) throws IOException {
        long s = super.skip(n);
        if (s > 0) advance(s);
        return s;
    }

    private void advance(long n) {
        count += n;
        if (count - reported >= STEP) {
            reported = count;
            progress.update(count, total);
        }
    }
}
