package dev.sextant.engine.dump;

import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Breakpad-style Linux x86-64 minidump of a real ELF core, as Breakpad's client does for a
 * live process: system info, one thread record per {@code NT_PRSTATUS} with its registers as an
 * amd64 CONTEXT and its stack from the stack pointer (less the red zone) to the end of its mapping,
 * a module per mapped file with its ELF build-id as a {@code BpEL} CodeView record, the memory
 * list and the exception stream of the core's signal. A test-side writer: the bytes are laid out
 * by hand from the documented structures, so readers are checked against a second, independent
 * layout of the same facts.
 */
final class CoreToMinidump {
    private CoreToMinidump() {}

    private static final long MAX_STACK = 1 << 20;

    private static final int HEADER = 32, DIRECTORY = 12, STREAMS = 5, DATA = HEADER + DIRECTORY * STREAMS;

    static void write(Path core, Path out) throws IOException {
        new Writer().write(core, out);
    }

    private static final class Writer {
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        private int blob(byte[] b) {
            while (data.size() % 8 != 0) data.write(0);
            int rva = DATA + data.size();
            data.writeBytes(b);
            return rva;
        }

        private int utf16(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
            ByteBuffer bb = le(4 + b.length + 2);
            bb.putInt(b.length).put(b);
            return blob(bb.array());
        }

        void write(Path corePath, Path out) throws IOException {
            CoreFile core = CoreFile.read(ByteReader.map(corePath, ByteOrder.LITTLE_ENDIAN));
            List<int[]> dir = new ArrayList<>();     // type, size, rva
            try (CoreDumpSource src = CoreDumpSource.open(corePath)) {
                ByteBuffer sys = le(56);
                sys.putShort((short) 9).putShort((short) 6).putShort((short) 0x4601).put((byte) 2).put((byte) 1);
                sys.putInt(0).putInt(0).putInt(0).putInt(0x8201).putInt(utf16("Linux 6.1.0 core-to-minidump")).putShort((short) 0).putShort((short) 0);
                sys.put("GenuineIntel".getBytes(StandardCharsets.US_ASCII));
                dir.add(new int[]{7, 56, blob(sys.array())});

                List<CoreFile.PrStatus> threads = core.threads();
                ByteBuffer list = le(4 + 48 * threads.size());
                ByteBuffer mem = le(4 + 16 * threads.size());
                list.putInt(threads.size());
                mem.putInt(threads.size());
                int crashedContext = 0;
                for (CoreFile.PrStatus t : threads) {
                    long[] r = t.regs();
                    long rsp = r[19];
                    long start = (rsp - 128) & ~15L;
                    DumpSource.Mapping m = src.mappings().stream()
                            .filter(x -> Long.compareUnsigned(x.start(), rsp) <= 0 && Long.compareUnsigned(rsp, x.end()) < 0)
                            .findFirst().orElseThrow(() -> new IOException("thread " + t.tid() + ": no mapping holds its stack"));
                    start = Math.max(start, m.start());
                    long end = Math.min(m.end(), start + MAX_STACK);
                    byte[] stack = new byte[(int) (end - start)];
                    int n = src.read(start, ByteBuffer.wrap(stack));
                    if (n <= 0) throw new IOException("thread " + t.tid() + ": its stack is not in the core");
                    if (n < stack.length) stack = java.util.Arrays.copyOf(stack, n);
                    int stackRva = blob(stack);
                    int ctxRva = blob(context(r));
                    if (crashedContext == 0) crashedContext = ctxRva;
                    list.putInt(t.tid()).putInt(0).putInt(0).putInt(0).putLong(0);
                    list.putLong(start).putInt(stack.length).putInt(stackRva).putInt(1232).putInt(ctxRva);
                    mem.putLong(start).putInt(stack.length).putInt(stackRva);
                }
                dir.add(new int[]{3, list.capacity(), blob(list.array())});

                Map<String, long[]> files = new LinkedHashMap<>();
                for (DumpSource.Mapping m : src.mappings()) {
                    if (m.path().isEmpty()) continue;
                    long[] range = files.computeIfAbsent(m.path().get(), k -> new long[]{m.start(), m.end()});
                    range[1] = Math.max(range[1], m.end());
                }
                ByteBuffer mods = le(4 + 108 * files.size());
                mods.putInt(files.size());
                for (Map.Entry<String, long[]> f : files.entrySet()) {
                    byte[] id = BuildId.ofFile(Path.of(f.getKey())).map(HexFormat.of()::parseHex).orElse(new byte[0]);
                    int cv = blob(le(4 + id.length).putInt(0x4270454c).put(id).array());
                    int name = utf16(f.getKey());
                    long base = f.getValue()[0], size = f.getValue()[1] - base;
                    mods.putLong(base).putInt((int) size).putInt(0).putInt(0).putInt(name);
                    mods.position(mods.position() + 52);
                    mods.putInt(4 + id.length).putInt(cv).putInt(0).putInt(0).putLong(0).putLong(0);
                }
                dir.add(new int[]{4, mods.capacity(), blob(mods.array())});
                dir.add(new int[]{5, mem.capacity(), blob(mem.array())});

                CoreFile.SigInfo sig = core.signal().orElseThrow(() -> new IOException("the core has no NT_SIGINFO"));
                ByteBuffer exc = le(168);
                exc.putInt(threads.get(0).tid()).putInt(0).putInt(sig.signo()).putInt(sig.code()).putLong(0).putLong(sig.addr());
                exc.putInt(0).putInt(0);
                exc.position(160);
                exc.putInt(1232).putInt(crashedContext);
                dir.add(new int[]{6, 168, blob(exc.array())});
            }
            ByteBuffer head = le(DATA);
            head.putInt(0x504d444d).putInt(0xa793).putInt(dir.size()).putInt(HEADER).putInt(0).putInt(0).putLong(0);
            for (int[] d : dir) head.putInt(d[0]).putInt(d[1]).putInt(d[2]);
            try (var o = Files.newOutputStream(out)) {
                o.write(head.array());
                o.write(data.toByteArray());
            }
        }

        /** An amd64 CONTEXT (1232 bytes) from a {@code user_regs_struct}. */
        private static byte[] context(long[] r) {
            ByteBuffer c = le(1232);
            c.putInt(48, 0x10000b);                                 // CONTEXT_AMD64 | CONTROL | INTEGER | FLOATING_POINT
            c.putShort(56, (short) r[17]).putShort(66, (short) r[20]).putInt(68, (int) r[18]);
            // rax rcx rdx rbx rsp rbp rsi rdi r8..r15 from user_regs_struct indices
            int[] from = {10, 11, 12, 5, 19, 4, 13, 14, 9, 8, 7, 6, 3, 2, 1, 0};
            for (int i = 0; i < from.length; i++) c.putLong(120 + 8 * i, r[from[i]]);
            c.putLong(248, r[16]);
            return c.array();
        }
    }

    private static ByteBuffer le(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }
}
