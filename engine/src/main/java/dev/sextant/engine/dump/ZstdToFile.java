package dev.sextant.engine.dump;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.sextant.engine.api.Cancellation;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decompresses a zstd file straight into a file without Java heap copies: zstd-jni's streaming
 * decoder reads from one large direct buffer filled by the input channel and writes into another,
 * whose non-zero 64 KiB blocks go to the output channel and whose zero blocks become holes (what
 * {@code zstd -d} does). Concatenated frames are read one after another; a file that ends inside a
 * frame is truncated, and a damaged frame fails with the decoder's message.
 */
final class ZstdToFile {
    private static final int IN = 4 << 20;
    // Half an L2 cache (Zen 5: 1 MiB a core): the zero-block scan and the write's copy into the page
    // cache read what the decoder has just written while it is still cached. 8 MiB cost about 100 ms
    // more CPU a GiB (scan and write reading from memory; measured with 128 KiB to 8 MiB).
    private static final int OUT = 512 << 10;

    /** The compressed offset reached and the bytes written, for the message of a damaged stream. */
    static final class Failure extends IOException {
        final long offset;
        final long written;

        Failure(long offset, long written, IOException cause) {
            super(cause.getMessage(), cause);
            this.offset = offset;
            this.written = written;
        }
    }

    private ZstdToFile() {}

    /** Decompresses {@code core} into {@code out} (an existing, empty file); returns the bytes decompressed. */
    static long run(Path core, Path out, CoreCache.Progress progress, Cancellation cancel) throws IOException {
        try (FileChannel in = FileChannel.open(core, StandardOpenOption.READ);
             SparseWriter writer = new SparseWriter(out);
             ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            long total = in.size();
            // A direct buffer is zeroed when made, each page a fault: the input buffer no bigger than the
            // file (a crash inbox holds many small cores; the output buffer is small, see OUT).
            ByteBuffer src = ByteBuffer.allocateDirect((int) Math.max(64 << 10, Math.min(IN, total)));
            ByteBuffer dst = ByteBuffer.allocateDirect(OUT);
            long read = 0;
            long reported = 0;
            boolean frameDone = true;
            boolean eof = false;
            boolean full = false;
            src.limit(0);
            while (true) {
                cancel.throwIfCancelled();
                if (!src.hasRemaining() && !eof) {
                    src.clear();
                    while (src.hasRemaining()) {
                        int n = in.read(src);
                        if (n < 0) { eof = true; break; }
                        read += n;
                    }
                    src.flip();
                    if (read - reported >= (16L << 20)) {
                        reported = read;
                        progress.update(read, total);
                    }
                }
                // At the end of the input, the decoder may still hold output that did not fit last
                // time (a frame that filled the buffer and did not end in it). Asked again after its
                // frame ended, it says the frame is not done (none is): a stream whose end filled the
                // buffer exactly was taken for truncated.
                if (!src.hasRemaining() && eof && !(full && !frameDone)) break;
                long consumedAt = read - src.remaining();
                try {
                    frameDone = ctx.decompressDirectByteBufferStream(dst, src);
                } catch (ZstdException e) {
                    throw new Failure(consumedAt, writer.written(), new IOException(e.getMessage(), e));
                }
                full = !dst.hasRemaining();
                if (full || frameDone || !src.hasRemaining()) {
                    dst.flip();
                    writer.write(dst);
                    dst.clear();
                }
            }
            if (!frameDone) {
                throw new Failure(read, writer.written(), new EOFException("the stream ends inside a frame (truncated)"));
            }
            return writer.written();
        }
    }
}
