package dev.sextant.engine.dump;

import dev.sextant.engine.format.elf.ProgramHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory image of a core: its {@code PT_LOAD} segments sorted by address, read from the file
 * through read-only mappings of at most 1 GiB each (so cores over 2 GiB work). A word is found by
 * binary search over the segments. Bytes a segment does not store (p_filesz &lt; p_memsz, or beyond
 * the end of a truncated file) are not readable. Owned by one thread.
 */
final class CoreMemory implements AutoCloseable {
    private static final long CHUNK = 1L << 30;

    private final long[] starts, ends, offsets;       // [start, start + filesz) ↦ file offset
    private final MappedByteBuffer[] chunks;
    private final long fileSize;
    private final FileChannel channel;

    CoreMemory(Path core, List<ProgramHeader> segments, ByteOrder order) throws IOException {
        channel = FileChannel.open(core, StandardOpenOption.READ);
        fileSize = channel.size();
        List<ProgramHeader> loads = new ArrayList<>();
        for (ProgramHeader ph : segments) if (ph.type() == ProgramHeader.PT_LOAD && ph.filesz() > 0) loads.add(ph);
        loads.sort(Comparator.comparing(ProgramHeader::vaddr, Long::compareUnsigned));
        starts = new long[loads.size()];
        ends = new long[loads.size()];
        offsets = new long[loads.size()];
        for (int i = 0; i < loads.size(); i++) {
            ProgramHeader ph = loads.get(i);
            starts[i] = ph.vaddr();
            ends[i] = ph.vaddr() + Math.min(ph.filesz(), ph.memsz());
            offsets[i] = ph.offset();
        }
        int n = (int) ((fileSize + CHUNK - 1) / CHUNK);
        chunks = new MappedByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long off = i * CHUNK;
            chunks[i] = channel.map(FileChannel.MapMode.READ_ONLY, off, Math.min(CHUNK, fileSize - off));
            chunks[i].order(order);
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
        int c = (int) (off / CHUNK);
        int within = (int) (off % CHUNK);
        ByteBuffer b = chunks[c];
        if (within + size <= b.limit()) {
            return OptionalLong.of(size == 8 ? b.getLong(within) : b.getInt(within) & 0xffffffffL);
        }
        long v = 0;                                       // straddles two mappings: byte by byte
        boolean little = b.order() == ByteOrder.LITTLE_ENDIAN;
        for (int k = 0; k < size; k++) {
            long o = off + k;
            long byteVal = chunks[(int) (o / CHUNK)].get((int) (o % CHUNK)) & 0xff;
            v = little ? v | byteVal << (8 * k) : v << 8 | byteVal;
        }
        return OptionalLong.of(v);
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
        // Positional reads rather than the mappings: copying a whole core through the mappings would
        // make every page of it resident in this process (1 GiB of RSS for a 1 GiB core).
        int limit = dst.limit(), done = 0;
        dst.limit(dst.position() + (int) n);
        try {
            while (done < n) {
                int k = channel.read(dst, off + done);
                if (k <= 0) break;
                done += k;
            }
        } finally {
            dst.limit(limit);
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
            long k = channel.transferTo(off + done, n - done, out);
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
        Arrays.fill(chunks, null);
        channel.close();
    }
}
