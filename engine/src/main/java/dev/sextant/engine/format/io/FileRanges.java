package dev.sextant.engine.format.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A file read range by range into memory, for parsers that need a few parts of a large file
 * (headers, some sections) rather than a mapping of all of it. Ranges are checked against the
 * file's size as {@link ByteReader#slice} checks them; each comes back as a reader whose offsets
 * are relative to the range and whose {@link ByteReader#base()} is the range's file offset.
 * Not thread-safe; close it when done (the readers it returned stay valid).
 */
public final class FileRanges implements AutoCloseable {
    /** The largest range read at once (a single reader's limit). */
    private static final long MAX_RANGE = Integer.MAX_VALUE - 8;
    /** One read's size: under glibc's mmap threshold, so that the JDK's native buffer is reused heap. */
    private static final int CHUNK = 64 * 1024;

    private final RandomAccessFile file;
    private final long size;

    public FileRanges(Path path) throws IOException {
        this.file = new RandomAccessFile(path.toFile(), "r");
        this.size = file.length();
    }

    public long size() { return size; }

    /** True if {@code length} bytes at {@code offset} lie inside the file. */
    public boolean contains(long offset, long length) {
        if (offset < 0 || length < 0) return false;
        long end = offset + length;
        return end >= offset && end <= size;
    }

    /** The bytes of {@code [offset, offset + length)}; a range outside the file fails as a slice would. */
    public byte[] bytes(String what, long offset, long length) throws IOException {
        long end;
        try { end = Math.addExact(offset, length); }
        catch (ArithmeticException e) { throw FormatException.outOfBounds(what, offset, length); }
        if (offset < 0 || length < 0) throw FormatException.outOfBounds(what, offset, length);
        if (end > size) {
            if (offset <= size) throw FormatException.truncated(what, offset, length, size - offset);
            throw FormatException.outOfBounds(what, offset, length);
        }
        if (length > MAX_RANGE) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, offset, what, "range of " + length + " bytes is larger than 2 GiB");
        }
        byte[] bytes = new byte[(int) length];
        file.seek(offset);
        // In pieces: the JDK reads a larger range into a native buffer of its own size, which
        // malloc maps fresh and the kernel faults in page by page (a third of the time of a 3 MB read).
        for (int done = 0; done < bytes.length; ) {
            int n = file.read(bytes, done, Math.min(CHUNK, bytes.length - done));
            if (n < 0) throw FormatException.truncated(what, offset, length, done);
            done += n;
        }
        return bytes;
    }

    /**
     * {@link #bytes} as a reader whose {@link ByteReader#base()} is the range's offset; an I/O error
     * comes as {@link UncheckedIOException}, for parsers that ask for sections through a function.
     */
    public ByteReader read(String what, long offset, long length, ByteOrder order) {
        try {
            return ByteReader.of(bytes(what, offset, length), offset, order);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public void close() throws IOException { file.close(); }
}
