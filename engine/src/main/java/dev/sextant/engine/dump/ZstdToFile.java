package dev.sextant.engine.dump;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.sextant.engine.api.Cancellation;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Decompresses a zstd file straight into a file without Java heap copies: zstd-jni's streaming
 * decoder reads from one large direct buffer filled by the input channel and writes into others,
 * whose non-zero 64 KiB blocks go to the output channel and whose zero blocks become holes (what
 * {@code zstd -d} does). Decoding and writing overlap: the caller's thread decodes into one output
 * buffer while a writer thread writes the ones filled before ({@code zstd -d}'s asynchronous output
 * does the same); copying a gibibyte into the page cache costs about half of what decoding it does.
 * Concatenated frames are read one after another; a file that ends inside a frame is truncated, and
 * a damaged frame fails with the decoder's message.
 */
final class ZstdToFile {
    private static final int IN = 4 << 20;
    private static final int OUT = 4 << 20;
    /** Output buffers: one being decoded into, the others queued for or being written. */
    private static final int BUFFERS = 4;

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
             Writer writer = new Writer(new SparseWriter(out));
             ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            long total = in.size();
            // A direct buffer is zeroed when made, each page a fault: no bigger than the file (a
            // crash inbox holds many small cores).
            ByteBuffer src = ByteBuffer.allocateDirect((int) Math.max(64 << 10, Math.min(IN, total)));
            long read = 0;
            long reported = 0;
            long decoded = 0;
            boolean frameDone = true;
            boolean eof = false;
            boolean full = false;
            ByteBuffer dst = writer.free();
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
                int before = dst.position();
                try {
                    frameDone = ctx.decompressDirectByteBufferStream(dst, src);
                } catch (ZstdException e) {
                    throw new Failure(consumedAt, decoded + before, new IOException(e.getMessage(), e));
                }
                full = !dst.hasRemaining();
                if (full) {
                    decoded += dst.position();
                    dst.flip();
                    writer.write(dst);
                    dst = writer.free();
                }
            }
            if (!frameDone) {
                throw new Failure(read, decoded + dst.position(), new EOFException("the stream ends inside a frame (truncated)"));
            }
            decoded += dst.position();
            dst.flip();
            writer.write(dst);
            writer.finish();
            return decoded;
        }
    }

    /**
     * The writer thread and the buffers it shares with the decoding thread: each buffer is either
     * free (the decoder takes it), being filled, queued, or being written. A write that fails stops
     * the writer; the decoder learns of it at its next hand-over. Closing stops the thread and waits
     * for it, so that nothing writes the file once {@link #run} has returned or thrown.
     */
    private static final class Writer implements AutoCloseable {
        private static final ByteBuffer END = ByteBuffer.allocate(0);

        private final SparseWriter file;
        private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
        private final BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
        private final Thread thread;
        private volatile IOException failure;
        private volatile boolean stop;
        /** Buffers made so far (the decoder's thread only): made when none is free, up to {@link #BUFFERS}. */
        private int made;

        Writer(SparseWriter file) {
            this.file = file;
            thread = new Thread(this::drain, "sextant-core-cache-writer");
            thread.setDaemon(true);
            thread.start();
        }

        private void drain() {
            try {
                while (true) {
                    ByteBuffer b = filled.take();
                    if (b == END) return;
                    if (failure == null && !stop) {
                        try {
                            file.write(b);
                        } catch (IOException e) {
                            failure = e;
                        } catch (RuntimeException | Error e) {
                            // Never leave the decoder waiting for a buffer that will not come back.
                            failure = new IOException(String.valueOf(e), e);
                        }
                    }
                    b.clear();
                    free.add(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * A free output buffer, cleared: a new one while fewer than {@link #BUFFERS} were made (a
         * small core needs one), else one the writer returns.
         */
        ByteBuffer free() throws IOException {
            try {
                ByteBuffer b = free.poll();
                if (b == null && made < BUFFERS) {
                    made++;
                    b = ByteBuffer.allocateDirect(OUT);
                } else if (b == null) {
                    b = free.take();
                }
                rethrow();
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while decompressing");
            }
        }

        /** Queues {@code b}'s remaining bytes (flipped) to be written after those queued before. */
        void write(ByteBuffer b) throws IOException {
            rethrow();
            filled.add(b);
        }

        /** Waits until everything queued is written and the file closed; a write's failure is thrown. */
        void finish() throws IOException {
            filled.add(END);
            join();
            rethrow();
            file.close();
        }

        private void rethrow() throws IOException {
            IOException e = failure;
            if (e != null) throw new IOException(e.getMessage(), e);
        }

        private void join() throws InterruptedIOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing the core cache");
            }
        }

        @Override public void close() throws IOException {
            if (thread.isAlive()) {
                stop = true;
                filled.offer(END);     // already there when finish() was interrupted
                // Not interruptible here: the file must not be written once the caller deletes it.
                boolean interrupted = false;
                while (thread.isAlive()) {
                    try {
                        thread.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) Thread.currentThread().interrupt();
            }
            file.close();
        }
    }
}
