package dev.sextant.engine.dump;

import dev.sextant.engine.format.elf.ProgramHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory image of a core: its {@code PT_LOAD} segments sorted by address. A word is found by
 * binary search over the segments and read through a small cache of 4 KiB pages filled by
 * positional reads (no mapping: cores over 2 GiB work, the process stays small, and a short run
 * does not pay for setting up file mappings). Bytes a segment does not store (p_filesz &lt;
 * p_memsz, or beyond the end of a truncated file) are not readable. Owned by one thread.
 */
final class CoreMemory implements AutoCloseable {
    private static final int PAGE = 4096, PAGES = 64;

    private final long[] starts, ends, offsets;       // [start, start + filesz) ↦ file offset
    private final long fileSize;
    private final boolean little;
    private final java.io.RandomAccessFile file;
    private final Path path;
    private FileChannel channel;                       // opened on first bulk read
    private final long[] cachedPage = new long[PAGES];    // file page number in each slot, -1 if empty
    private final int[] cachedLength = new int[PAGES];
    private final byte[][] cache = new byte[PAGES][];

    CoreMemory(Path core, List<ProgramHeader> segments, ByteOrder order) throws IOException {
        path = core;
        file = new java.io.RandomAccessFile(core.toFile(), "r");
        fileSize = file.length();
        little = order == ByteOrder.LITTLE_ENDIAN;
        Arrays.fill(cachedPage, -1);
        List<ProgramHeader> loads = new ArrayList<>();
        for (ProgramHeader ph : segments) if (ph.type() == ProgramHeader.PT_LOAD && ph.filesz() > 0) loads.add(ph);
        // not Comparator.comparing: its comparator is a serializable lambda, which the start-up archive does not hold
        loads.sort((a, b) -> Long.compareUnsigned(a.vaddr(), b.vaddr()));
        starts = new long[loads.size()];
        ends = new long[loads.size()];
        offsets = new long[loads.size()];
        for (int i = 0; i < loads.size(); i++) {
            ProgramHeader ph = loads.get(i);
            starts[i] = ph.vaddr();
            ends[i] = ph.vaddr() + Math.min(ph.filesz(), ph.memsz());
            offsets[i] = ph.offset();
        }
    }

    /** One little- or big-endian word of {@code size} (4 or 8) bytes at {@code address}. */
    OptionalLong word(long address, int size) {
        int i = find(address);
        if (i < 0) return OptionalLong.empty();
        long end = address + size;
        if (Long.compareUnsigned(end, ends[i]) > 0 || Long.compareUnsigned(end, address) < 0) return OptionalLong.empty();
        long off = offsets[i] + (address - starts[i]);
        if (off < 0 || off + size > fileSize) return OptionalLong.empty();
        int within0 = (int) (off % PAGE);
        if (within0 + size <= PAGE) {                     // the usual case: one page
            long n = off / PAGE;
            byte[] page = page(n);
            if (page == null || within0 + size > cachedLength[slot(n)]) return OptionalLong.empty();
            long v = 0;
            for (int k = size - 1; k >= 0; k--) {
                long byteVal = page[within0 + (little ? k : size - 1 - k)] & 0xff;
                v = v << 8 | byteVal;
            }
            return OptionalLong.of(v);
        }
        long v = 0;                                       // straddles two pages: byte by byte
        for (int k = 0; k < size; k++) {
            long o = off + k;
            byte[] page = page(o / PAGE);
            int within = (int) (o % PAGE);
            if (page == null || within >= cachedLength[slot(o / PAGE)]) return OptionalLong.empty();
            long byteVal = page[within] & 0xff;
            v = little ? v | byteVal << (8 * k) : v << 8 | byteVal;
        }
        return OptionalLong.of(v);
    }

    private static int slot(long pageNumber) {
        return (int) (pageNumber % PAGES);
    }

    /** The file page {@code n}, read now unless cached; null if it cannot be read. */
    private byte[] page(long n) {
        int s = slot(n);
        if (cachedPage[s] == n) return cache[s];
        byte[] b = cache[s] != null ? cache[s] : new byte[PAGE];
        try {
            long at = n * PAGE;
            int want = (int) Math.min(PAGE, fileSize - at), got = 0;
            file.seek(at);
            while (got < want) {
                int k = file.read(b, got, want - got);
                if (k <= 0) break;
                got += k;
            }
            cache[s] = b;
            cachedPage[s] = n;
            cachedLength[s] = got;
            return b;
        } catch (IOException e) {
            cachedPage[s] = -1;
            return null;
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null) channel = FileChannel.open(path, StandardOpenOption.READ);
        return channel;
    }

    /**
     * Copies the stored bytes at {@code address} into {@code dst} (from its position to its limit, or
     * to the end of the segment that holds {@code address}); returns how many were copied, 0 where
     * the core stores nothing.
     */
    int read(long address, ByteBuffer dst) throws IOException {
        int i = find(address);
        if (i < 0) return 0;
        long n = Math.min(dst.remaining(), ends[i] - address);
        long off = offsets[i] + (address - starts[i]);
        if (off < 0 || off >= fileSize) return 0;
        n = Math.min(n, fileSize - off);
        if (n <= PAGE && dst.hasArray()) return readCached(off, (int) n, dst);
        // Positional reads rather than the mappings: copying a whole core through the mappings would
        // make every page of it resident in this process (1 GiB of RSS for a 1 GiB core).
        int limit = dst.limit(), done = 0;
        dst.limit(dst.position() + (int) n);
        try {
            while (done < n) {
                int k = channel().read(dst, off + done);
                if (k <= 0) break;
                done += k;
            }
        } finally {
            dst.limit(limit);
        }
        return done;
    }

    /**
     * A small read (a variable, a member, a string's next bytes) from the page cache: the variables of
     * a frame are a few hundred reads near each other on its stack, and a positional read into a heap
     * buffer each cost a system call and a copy through a temporary direct buffer (a third of the
     * engine thread's samples in reading variables, all in interpreted NIO code). {@code off}: file offset.
     */
    private int readCached(long off, int n, ByteBuffer dst) {
        int done = 0;
        while (done < n) {
            long o = off + done, pn = o / PAGE;
            byte[] page = page(pn);
            int within = (int) (o % PAGE);
            int available = page == null ? 0 : cachedLength[slot(pn)] - within;
            if (available <= 0) break;
            int k = Math.min(available, n - done);
            dst.put(page, within, k);
            done += k;
        }
        return done;
    }

    /**
     * Copies up to {@code length} stored bytes at {@code address} straight to {@code out} (the kernel
     * copies file to file, nothing passes through this process); returns how many were copied.
     */
    long transfer(long address, long length, java.nio.channels.WritableByteChannel out) throws IOException {
        int i = find(address);
        if (i < 0) return 0;
        long off = offsets[i] + (address - starts[i]);
        if (off < 0 || off >= fileSize) return 0;
        long n = Math.min(Math.min(length, ends[i] - address), fileSize - off);
        long done = 0;
        while (done < n) {
            long k = channel().transferTo(off + done, n - done, out);
            if (k <= 0) break;
            done += k;
        }
        return done;
    }

    /** The stored parts of [start, end): the segments' file-backed bytes within it. */
    List<long[]> stored(long start, long end) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < starts.length; i++) {
            long segEnd = offsets[i] >= fileSize ? starts[i] : starts[i] + Math.min(ends[i] - starts[i], fileSize - offsets[i]);
            if (Long.compareUnsigned(starts[i], end) >= 0 || Long.compareUnsigned(start, segEnd) >= 0) continue;
            long s = Long.compareUnsigned(start, starts[i]) > 0 ? start : starts[i];
            long e = Long.compareUnsigned(end, segEnd) < 0 ? end : segEnd;
            if (Long.compareUnsigned(s, e) < 0) out.add(new long[] {s, e});
        }
        return out;
    }

    private int find(long address) {
        int lo = 0, hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(address, starts[mid]) < 0) hi = mid - 1;
            else if (Long.compareUnsigned(address, ends[mid]) >= 0) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    int segmentCount() { return starts.length; }

    @Override public void close() throws IOException {
        try {
            file.close();
        } finally {
            if (channel != null) channel.close();
        }
    }
}
