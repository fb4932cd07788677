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
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    long written() { return position; }

    void write(byte[] data, int length) throws IOException {
        for (int off = 0; off < length; off += BLOCK) {
            int n = Math.min(BLOCK, length - off);
            if (Arrays.mismatch(data, off, off + n, ZERO, 0, n) >= 0) {
                ByteBuffer b = ByteBuffer.wrap(data, off, n);
                long at = position;
                while (b.hasRemaining()) at += channel.write(b, at);
            }
            position += n;
        }
    }

    /** As {@link #write(byte[], int)} for the remaining bytes of {@code data} (a direct buffer: no copy). */
    void write(ByteBuffer data) throws IOException {
        int end = data.limit();
        for (int off = data.position(); off < end; off += BLOCK) {
            int n = Math.min(BLOCK, end - off);
            ByteBuffer block = data.slice(off, n);
            if (block.mismatch(ZERO_DIRECT.slice(0, n)) >= 0) {
                long at = position;
                while (block.hasRemaining()) at += channel.write(block, at);
            }
            position += n;
        }
        data.position(end);
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
