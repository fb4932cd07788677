package dev.sextant.engine.linux;

import dev.sextant.engine.api.TargetException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a traced process's memory through {@code pread} on {@code /proc/PID/mem}, with a page
 * cache valid for one stop (unwinding a thousand threads reads the same stack pages many times).
 * {@link #invalidate()} must be called whenever the target runs or Sextant writes to it.
 */
final class ProcessMemory implements AutoCloseable {
    private static final int PAGE = 4096;
    private final int pid;
    private FileChannel channel;
    private final Map<Long, byte[]> pages = new HashMap<>();
    private static final byte[] UNREADABLE = new byte[0];

    ProcessMemory(int pid) throws IOException {
        this.pid = pid;
        channel = FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ);
    }

    /** After execve: an open /proc/PID/mem keeps showing the old, dead address space. */
    void reopen() {
        close();
        pages.clear();
        try {
            channel = FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ);
        } catch (IOException e) {
            throw new TargetException("process " + pid + ": cannot reopen /proc/" + pid + "/mem after exec (" + e.getMessage() + ")", e);
        }
    }

    void invalidate() { pages.clear(); }

    /**
     * A page of native memory per reading thread: a read into a heap buffer goes through a temporary
     * native one anyway (FileChannel's), so reading into this one and copying once saves a zeroed heap
     * buffer and a copy per read (a page read at each conditional breakpoint hit).
     */
    private static final ThreadLocal<ByteBuffer> NATIVE = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(PAGE));

    /** Reads up to {@code length} bytes; fewer when the range runs into unmapped memory. */
    byte[] read(long address, int length) {
        ByteBuffer buf = length <= PAGE ? NATIVE.get().clear().limit(length) : ByteBuffer.allocate(length);
        try {
            while (buf.hasRemaining()) {
                int n = channel.read(buf, address + buf.position());
                if (n <= 0) break;
            }
        } catch (IOException e) {
            // EIO: unmapped; return what was read
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    /**
     * Fills {@code dst} from {@code address} page by page, bypassing the cache, and marks in
     * {@code readable} the bytes that could be read: a read of /proc/PID/mem stops at the first
     * unmapped page, so a range that starts unmapped and runs into mapped memory is read per page.
     */
    void readPages(long address, byte[] dst, java.util.BitSet readable) {
        int done = 0;
        while (done < dst.length) {
            long at = address + done;
            int chunk = (int) Math.min(dst.length - done, PAGE - (at & (PAGE - 1)));
            ByteBuffer buf = ByteBuffer.wrap(dst, done, chunk);
            try {
                while (buf.hasRemaining()) {
                    int n = channel.read(buf, at + (buf.position() - done));
                    if (n <= 0) break;
                }
            } catch (IOException e) {
                // EIO: this page is not mapped (or not readable); what was read stays marked
            }
            readable.set(done, buf.position());
            done += chunk;
        }
    }

    /** An 8-byte little-endian word through the page cache; false when unmapped. */
    boolean readWord(long address, long[] out) {
        long page = address & -PAGE;
        int off = (int) (address - page);
        if (off + 8 <= PAGE) {
            byte[] p = page(page);
            if (p.length < off + 8) return false;
            out[0] = ByteBuffer.wrap(p, off, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return true;
        }
        byte[] b = read(address, 8);
        if (b.length < 8) return false;
        out[0] = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return true;
    }

    /** {@code into.length} bytes through the page cache; false when any of them is unmapped. */
    boolean readExact(long address, byte[] into) {
        long page = address & -PAGE;
        int off = (int) (address - page);
        if (off + into.length <= PAGE) {
            byte[] p = page(page);
            if (p.length < off + into.length) return false;
            System.arraycopy(p, off, into, 0, into.length);
            return true;
        }
        byte[] b = read(address, into.length);
        if (b.length < into.length) return false;
        System.arraycopy(b, 0, into, 0, into.length);
        return true;
    }

    /** {@code length} bytes within one page through the page cache; null when they are not (all) there to read. */
    byte[] readCached(long address, int length) {
        long page = address & -PAGE;
        int off = (int) (address - page);
        if (length < 0 || off + length > PAGE) return null;
        byte[] p = page(page);
        if (p.length < off + length) return null;
        byte[] out = new byte[length];
        System.arraycopy(p, off, out, 0, length);
        return out;
    }

    private byte[] page(long page) {
        byte[] p = pages.get(page);
        if (p == null) {
            p = read(page, PAGE);
            if (p.length == 0) p = UNREADABLE;
            pages.put(page, p);
        }
        return p;
    }

    @Override public void close() {
        try { channel.close(); } catch (IOException ignored) { /* nothing to undo */ }
    }
}
