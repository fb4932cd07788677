package dev.sextant.engine.format.minidump;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-side writer of small, valid minidumps (little-endian, the layouts Microsoft documents), so that
 * tests can make hostile variants by changing one field. Streams are added as raw bodies; helpers
 * build the common ones. Data referenced by RVA (strings, contexts, memory) is appended with
 * {@link #blob} and its RVA returned. Not thread-safe; one builder per test.
 */
public final class MinidumpBuilder {
    /** Streams start after header and a directory sized for this many entries. */
    private static final int MAX_STREAMS = 32;
    private static final int DATA_START = Minidump.HEADER_SIZE + MAX_STREAMS * Minidump.DIRECTORY_ENTRY_SIZE;

    private record Stream(int type, long rva, long size) {}

    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final List<Stream> streams = new ArrayList<>();

    /** Appends bytes (4-aligned) and returns their RVA. */
    public long blob(byte[] bytes) {
        while (data.size() % 4 != 0) data.write(0);
        long rva = DATA_START + data.size();
        data.writeBytes(bytes);
        return rva;
    }

    public MinidumpBuilder stream(int type, byte[] body) {
        long rva = blob(body);
        streams.add(new Stream(type, rva, body.length));
        return this;
    }

    /** A directory entry with any location, e.g. one pointing outside the file. */
    public MinidumpBuilder rawEntry(int type, long rva, long size) {
        streams.add(new Stream(type, rva, size));
        return this;
    }

    public long utf16(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
        return blob(le(4 + b.length + 2).i32(b.length).bytes(b).i16(0).array());
    }

    public long utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return blob(le(4 + b.length + 1).i32(b.length).bytes(b).i8(0).array());
    }

    public MinidumpBuilder systemInfo(int arch, int platform, int cpus) {
        long csd = utf16("Service Pack 9");
        return stream(StreamType.SYSTEM_INFO, le(56).i16(arch).i16(6).i16(0x0d08).i8(cpus).i8(1).i32(10).i32(0).i32(19042)
                .i32(platform).i32((int) csd).i16(0).i16(0).bytes("GenuineIntel".getBytes(StandardCharsets.US_ASCII))
                .i32(0).i32(0).i32(0).array());
    }

    /** An amd64 CONTEXT (1232 bytes) with rip, rsp, rbp set. */
    public long amd64Context(long rip, long rsp, long rbp) {
        W w = le(ThreadContext.AMD64_SIZE);
        w.at(48).i32((int) ThreadContext.FLAG_AMD64 | 0xb);
        w.at(120 + 8 * 4).i64(rsp);
        w.at(120 + 8 * 5).i64(rbp);
        w.at(248).i64(rip);
        return blob(w.array());
    }

    /** A thread list; each thread is (tid, stack start, stack bytes, context rva). */
    public MinidumpBuilder threadList(int padding, long[][] threads) {
        W w = le(4 + padding + 48 * threads.length).i32(threads.length).skip(padding);
        for (long[] t : threads) {
            long stackRva = t[2] == 0 ? 0 : t[3];
            w.i32((int) t[0]).i32(0).i32(0).i32(0).i64(0).i64(t[1]).i32((int) t[2]).i32((int) stackRva)
                    .i32(ThreadContext.AMD64_SIZE).i32((int) t[4]);
        }
        return stream(StreamType.THREAD_LIST, w.array());
    }

    /** A module list of (base, size, name) with an ELF build-id CodeView record each. */
    public MinidumpBuilder moduleList(int padding, Object[][] modules) {
        W w = le(4 + padding + 108 * modules.length).i32(modules.length).skip(padding);
        for (Object[] m : modules) {
            long name = utf16((String) m[2]);
            byte[] id = (byte[]) m[3];
            long cv = blob(le(4 + id.length).i32(0x4270454c).bytes(id).array());
            w.i64((Long) m[0]).i32(((Long) m[1]).intValue()).i32(0).i32(0).i32((int) name).skip(52).i32(4 + id.length).i32((int) cv)
                    .i32(0).i32(0).i64(0).i64(0);
        }
        return stream(StreamType.MODULE_LIST, w.array());
    }

    /** A memory list; each descriptor is (start, size, rva). */
    public MinidumpBuilder memoryList(int padding, long[][] descriptors) {
        W w = le(4 + padding + 16 * descriptors.length).i32(descriptors.length).skip(padding);
        for (long[] d : descriptors) w.i64(d[0]).i32((int) d[1]).i32((int) d[2]);
        return stream(StreamType.MEMORY_LIST, w.array());
    }

    /** An exception stream for thread {@code tid}. */
    public MinidumpBuilder exception(int tid, long code, long flags, long address, long[] params, long contextRva) {
        W w = le(ExceptionRecord.SIZE).i32(tid).i32(0).i32((int) code).i32((int) flags).i64(0).i64(address).i32(params.length).i32(0);
        for (int i = 0; i < 15; i++) w.i64(i < params.length ? params[i] : 0);
        w.i32(contextRva == 0 ? 0 : ThreadContext.AMD64_SIZE).i32((int) contextRva);
        return stream(StreamType.EXCEPTION, w.array());
    }

    public byte[] build() {
        if (streams.size() > MAX_STREAMS) throw new IllegalStateException("too many streams");
        W h = le(DATA_START).i32(Minidump.SIGNATURE).i32(0xa793).i32(streams.size()).i32(Minidump.HEADER_SIZE).i32(0).i32(0).i64(0);
        for (Stream s : streams) h.i32(s.type()).i32((int) s.size()).i32((int) s.rva());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    public static W le(int size) { return new W(size); }

    /** A little-endian struct writer over a fixed-size buffer. */
    public static final class W {
        private final ByteBuffer b;

        W(int size) { b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }

        public W i8(int v) { b.put((byte) v); return this; }
        public W i16(int v) { b.putShort((short) v); return this; }
        public W i32(int v) { b.putInt(v); return this; }
        public W i64(long v) { b.putLong(v); return this; }
        public W bytes(byte[] v) { b.put(v); return this; }
        public W skip(int n) { b.position(b.position() + n); return this; }
        public W at(int pos) { b.position(pos); return this; }
        public byte[] array() { return b.array(); }
    }
}
