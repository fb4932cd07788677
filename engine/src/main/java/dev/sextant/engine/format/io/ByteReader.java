package dev.sextant.engine.format.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * A bounds-checked, immutable view of bytes: a whole file or a slice of one. Every read names what
 * it reads, so that a failure becomes a {@link FormatException} that says where and what. Offsets
 * are relative to this slice; {@link #base()} gives the slice's absolute position for messages.
 * Safe to share between threads (reads are absolute, nothing is mutated).
 */
public final class ByteReader {
    private final ByteBuffer buf;     // absolute reads only
    private final long base;          // absolute offset of index 0 in the underlying file
    private final int size;
    private final ByteOrder order;

    private ByteReader(ByteBuffer buf, long base, int size, ByteOrder order) {
        // Each reader has its own view with its own byte order: views of one file in two orders,
        // read from two threads, must not change each other's order.
        this.buf = buf.duplicate().order(order);
        this.base = base;
        this.size = size;
        this.order = order;
    }

    public static ByteReader of(byte[] bytes, ByteOrder order) {
        return new ByteReader(ByteBuffer.wrap(bytes), 0, bytes.length, order);
    }

    /** Bytes that were read from a file at offset {@code base} (which messages then name). */
    public static ByteReader of(byte[] bytes, long base, ByteOrder order) {
        return new ByteReader(ByteBuffer.wrap(bytes), base, bytes.length, order);
    }

    /**
     * Maps a file read-only. Files over 2 GiB are refused with {@link FormatException.Kind#UNSUPPORTED};
     * callers needing bigger files read slices through {@link #mapRange}.
     */
    public static ByteReader map(Path file, ByteOrder order) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long len = ch.size();
            if (len > Integer.MAX_VALUE) {
                throw new FormatException(FormatException.Kind.UNSUPPORTED, 0, file.toString(),
                        "file of " + len + " bytes is larger than the 2 GiB a single view can map");
            }
            ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, len);
            return new ByteReader(mapped, 0, (int) len, order);
        }
    }

    /** Maps {@code length} bytes of a file at {@code offset}, checked against the file's size. */
    public static ByteReader mapRange(Path file, long offset, long length, ByteOrder order) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            long end;
            try { end = Math.addExact(offset, length); }
            catch (ArithmeticException e) { throw FormatException.outOfBounds(file.toString(), offset, length); }
            if (offset < 0 || length < 0 || end > fileSize) {
                throw FormatException.truncated(file.toString(), offset, length, fileSize - offset);
            }
            if (length > Integer.MAX_VALUE) {
                throw new FormatException(FormatException.Kind.UNSUPPORTED, offset, file.toString(),
                        "range of " + length + " bytes is larger than 2 GiB");
            }
            return new ByteReader(ch.map(FileChannel.MapMode.READ_ONLY, offset, length), offset, (int) length, order);
        }
    }

    public long size() { return size; }
    public long base() { return base; }
    public ByteOrder order() { return order; }

    public ByteReader withOrder(ByteOrder newOrder) {
        return new ByteReader(buf, base, size, newOrder);
    }

    /** The only way to get a sub-range: checked for overflow and against this slice's size. */
    public ByteReader slice(String what, long offset, long length) {
        check(what, offset, length);
        ByteBuffer dup = buf.duplicate();
        dup.position((int) offset).limit((int) (offset + length));
        return new ByteReader(dup.slice(), base + offset, (int) length, order);
    }

    /** True if {@code length} bytes at {@code offset} lie inside this slice. */
    public boolean contains(long offset, long length) {
        if (offset < 0 || length < 0) return false;
        long end = offset + length;
        return end >= offset && end <= size;
    }

    private void check(String what, long offset, long length) {
        long end;
        try { end = Math.addExact(offset, length); }
        catch (ArithmeticException e) { throw FormatException.outOfBounds(what, base + offset, length); }
        if (offset < 0 || length < 0) throw FormatException.outOfBounds(what, base + offset, length);
        if (end > size) {
            if (offset <= size) throw FormatException.truncated(what, base + offset, length, size - offset);
            throw FormatException.outOfBounds(what, base + offset, length);
        }
    }

    public int u8(String what, long offset) {
        check(what, offset, 1);
        return buf.get((int) offset) & 0xff;
    }

    public int u16(String what, long offset) {
        check(what, offset, 2);
        return buf.getShort((int) offset) & 0xffff;
    }

    public int s32(String what, long offset) {
        check(what, offset, 4);
        return buf.getInt((int) offset);
    }

    public long u32(String what, long offset) {
        return s32(what, offset) & 0xffffffffL;
    }

    public long u64(String what, long offset) {
        check(what, offset, 8);
        return buf.getLong((int) offset);
    }

    /** A 4- or 8-byte unsigned word, as ELF's class decides. */
    public long word(String what, long offset, boolean is64) {
        return is64 ? u64(what, offset) : u32(what, offset);
    }

    /** {@code length} bytes at {@code offset} copied into {@code dst} from its start (checked as {@link #bytes} checks them). */
    public void copy(String what, long offset, byte[] dst, int length) {
        check(what, offset, length);
        buf.get((int) offset, dst, 0, length);
    }

    public byte[] bytes(String what, long offset, long length) {
        check(what, offset, length);
        byte[] out = new byte[(int) length];
        buf.duplicate().position((int) offset).get(out);
        return out;
    }

    public int s8(String what, long offset) {
        check(what, offset, 1);
        return buf.get((int) offset);
    }

    public int s16(String what, long offset) {
        check(what, offset, 2);
        return buf.getShort((int) offset);
    }

    public long s64(String what, long offset) {
        return u64(what, offset);
    }

    /**
     * An unsigned LEB128 at {@code offset}: value and encoded length, for DWARF. Refuses encodings
     * longer than 10 bytes (a hostile file could otherwise make a value of any length).
     */
    public Leb128 uleb128(String what, long offset) { return leb128(what, offset, false); }

    /** A signed LEB128 at {@code offset}; see {@link #uleb128}. */
    public Leb128 sleb128(String what, long offset) { return leb128(what, offset, true); }

    private Leb128 leb128(String what, long offset, boolean signed) {
        long result = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            int b = u8(what, offset + i);
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                if (signed && shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
                return new Leb128(result, i + 1);
            }
        }
        throw new FormatException(FormatException.Kind.INCONSISTENT, base + offset, what, "LEB128 longer than 10 bytes");
    }

    /** A decoded LEB128 value and how many bytes it took. */
    public record Leb128(long value, int length) {}

    /** A NUL-terminated string starting at {@code offset}, at most {@code max} bytes, UTF-8. */
    public String cString(String what, long offset, int max) {
        check(what, offset, 0);
        if (offset >= size) throw FormatException.outOfBounds(what, base + offset, 1);
        int start = (int) offset;
        int limit = (int) Math.min(size, offset + (long) max);
        // Copy out in chunks and search the copy: one bulk read instead of a buffer call per byte.
        byte[] chunk = new byte[Math.min(64, limit - start)];
        int have = 0;
        while (true) {
            int n = Math.min(chunk.length - have, limit - start - have);
            buf.get(start + have, chunk, have, n);
            for (int i = have; i < have + n; i++) {
                if (chunk[i] == 0) return new String(chunk, 0, i, StandardCharsets.UTF_8);
            }
            have += n;
            if (start + have >= limit) return new String(chunk, 0, have, StandardCharsets.UTF_8);
            chunk = java.util.Arrays.copyOf(chunk, Math.min(chunk.length * 4, limit - start));
        }
    }

    /** As {@link #cString} but the bytes (without the NUL), not decoded. */
    public byte[] cStringBytes(String what, long offset, int max) {
        check(what, offset, 0);
        if (offset >= size) throw FormatException.outOfBounds(what, base + offset, 1);
        int start = (int) offset;
        int limit = (int) Math.min(size, offset + (long) max);
        if (buf.hasArray()) {
            byte[] a = buf.array();
            int o = buf.arrayOffset();
            int end = start;
            while (end < limit && a[o + end] != 0) end++;
            return java.util.Arrays.copyOfRange(a, o + start, o + end);
        }
        byte[] chunk = new byte[limit - start];
        buf.get(start, chunk, 0, chunk.length);
        for (int i = 0; i < chunk.length; i++) if (chunk[i] == 0) return java.util.Arrays.copyOf(chunk, i);
        return chunk;
    }

    /**
     * True when the bytes at {@code offset} are {@code s} followed by a NUL (a string-table entry
     * equal to {@code s}); false also when they run past the end. Reads with one bulk copy.
     */
    public boolean cStringEquals(long offset, byte[] s) {
        if (!contains(offset, s.length + 1L)) return false;
        if (buf.hasArray()) {       // read from the heap: compare in place
            byte[] a = buf.array();
            int at = buf.arrayOffset() + (int) offset;
            return a[at + s.length] == 0 && java.util.Arrays.equals(a, at, at + s.length, s, 0, s.length);
        }
        byte[] here = new byte[s.length + 1];
        buf.get((int) offset, here, 0, here.length);
        if (here[s.length] != 0) return false;
        for (int i = 0; i < s.length; i++) if (here[i] != s[i]) return false;
        return true;
    }

    /** {@code count} 32-bit words at {@code offset} in this reader's byte order, copied out in bulk. */
    public int[] s32Array(String what, long offset, int count) {
        return words(what, offset, count, 4, int[]::new, (in, out) -> in.asIntBuffer().get(out));
    }

    /** {@code count} 64-bit words at {@code offset} in this reader's byte order, copied out in bulk. */
    public long[] s64Array(String what, long offset, int count) {
        return words(what, offset, count, 8, long[]::new, (in, out) -> in.asLongBuffer().get(out));
    }

    /** {@code count} 16-bit words at {@code offset} in this reader's byte order, copied out in bulk. */
    public short[] s16Array(String what, long offset, int count) {
        return words(what, offset, count, 2, short[]::new, (in, out) -> in.asShortBuffer().get(out));
    }

    /**
     * {@code count} words of {@code size} bytes at {@code offset}, checked before the array is allocated
     * (a count from the file may be huge or negative), then copied out of a buffer in this reader's order.
     */
    private <A> A words(String what, long offset, int count, int size, IntFunction<A> array, BiConsumer<ByteBuffer, A> copy) {
        check(what, offset, (long) size * count);
        A out = array.apply(count);
        copy.accept(buf.duplicate().order(order).position((int) offset).slice().order(order), out);
        return out;
    }

    /** A fixed-size field holding a NUL-padded string (e.g. {@code pr_fname[16]}). */
    public String fixedString(String what, long offset, int length) {
        byte[] raw = bytes(what, offset, length);
        int end = 0;
        while (end < raw.length && raw[end] != 0) end++;
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }
}
