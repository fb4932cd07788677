package dev.sextant.engine.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a decompressed core, leaving holes where whole blocks are zero: a core is mostly zero
 * pages (untouched heap, stack guard space), and {@code zstd -d} writes sparse files too, so the
 * copy takes as little disk and time as the tool's.
 */
final class SparseWriter implements AutoCloseable {
    private static final int BLOCK = 64 * 1024;
    private static final byte[] ZERO = new byte[BLOCK];
    private static final ByteBuffer ZERO_DIRECT = ByteBuffer.allocateDirect(BLOCK).asReadOnlyBuffer();

    private final FileChannel channel;
    private long position;
    private boolean closed;

    SparseWriter(Path file) throws IOException {
        // Not TRUNCATE_EXISTING: on ext4, truncating a file (even an empty one) marks it to have its
        // delayed blocks allocated at close (auto_da_alloc), and closing then starts the writeback of
        // the whole core: 250-320 ms of a 1 GiB core's close, which zstd -d (writing a new file) never
        // waits for. FileChannel.truncate does nothing to a file that is already empty.
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        channel.truncate(0);
    }

    long written() { return position; }

    void write(byte[] data, int length) throws IOException {
        for (int off = 0; off < length; off += BLOCK) {
            int n = Math.min(BLOCK, length - off);
            if (Arrays.mismatch(data, off, off + n, ZERO, 0, n) >= 0) writeAt(ByteBuffer.wrap(data, off, n), position);
            position += n;
        }
    }

    /**
     * As {@link #write(byte[], int)} for the remaining bytes of {@code data} (a direct buffer: no
     * copy), with one write per run of non-zero blocks. Callers pass buffers of about 512 KiB: a
     * run as long as 4-8 MiB doubled the system time of writing a 1 GiB core, and 64 KiB writes
     * cost more calls than runs do.
     */
    void write(ByteBuffer data) throws IOException {
        int start = data.position();
        int end = data.limit();
        int run = -1;   // where the current run of non-zero blocks started
        for (int off = start; off < end; off += BLOCK) {
            int n = Math.min(BLOCK, end - off);
            boolean zero = data.slice(off, n).mismatch(ZERO_DIRECT.slice(0, n)) < 0;
            if (!zero && run < 0) run = off;
            if (zero && run >= 0) {
                writeAt(data.slice(run, off - run), position + (run - start));
                run = -1;
            }
        }
        if (run >= 0) writeAt(data.slice(run, end - run), position + (run - start));
        position += end - start;
        data.position(end);
    }

    private void writeAt(ByteBuffer block, long at) throws IOException {
        while (block.hasRemaining()) at += channel.write(block, at);
    }

    @Override public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            // A trailing hole: the file must still be as long as what was decompressed.
            if (position > 0 && channel.size() < position) channel.write(ByteBuffer.wrap(new byte[1]), position - 1);
        } finally {
            channel.close();
        }
    }
}
