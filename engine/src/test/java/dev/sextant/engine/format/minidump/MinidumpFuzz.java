package dev.sextant.engine.format.minidump;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Minidumps: header, directory and every stream Sextant reads (system and misc info, exception and
 * its context, threads and names, modules and unloaded modules, memory lists, memory info, handles,
 * Crashpad and Breakpad info, the Linux streams), over a small dump written by {@link MinidumpBuilder}
 * cut and patched, or raw bytes. Contract: {@link FormatException} only.
 */
class MinidumpFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("MinidumpFuzz", FormatException.class);
    private static final byte[] BASE = base();

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(BASE, data);
        CONTRACT.check(file.length, () -> {
            Minidump d = Minidump.read(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN));
            CONTRACT.check(file.length, d::systemInfo);
            CONTRACT.check(file.length, d::miscInfo);
            CONTRACT.check(file.length, d::exception);
            CONTRACT.check(file.length, d::exceptionContext);
            CONTRACT.check(file.length, d::threads);
            CONTRACT.check(file.length, d::threadNames);
            CONTRACT.check(file.length, d::modules);
            CONTRACT.check(file.length, d::unloadedModules);
            CONTRACT.check(file.length, d::memoryList);
            CONTRACT.check(file.length, d::memory64List);
            CONTRACT.check(file.length, d::memoryInfo);
            CONTRACT.check(file.length, d::handles);
            CONTRACT.check(file.length, d::crashpadInfo);
            CONTRACT.check(file.length, d::breakpadInfo);
            CONTRACT.check(file.length, d::dsoDebug);
            CONTRACT.check(file.length, d::linuxAuxv);
            CONTRACT.check(file.length, () -> d.linuxText(StreamType.LINUX_MAPS));
            CONTRACT.check(file.length, () -> {
                MemoryRegions m = d.memory();
                for (ThreadRecord t : d.threads()) m.read(t.stack().start(), 64);
            });
        });
    }

    /** A dump as a crashed amd64 Linux process leaves it: two threads, their stacks, two modules, an exception. */
    private static byte[] base() {
        MinidumpBuilder b = new MinidumpBuilder();
        long ctx1 = b.amd64Context(0x401000, 0x7ffc1000, 0x7ffc1040);
        long ctx2 = b.amd64Context(0x401100, 0x7ffd1000, 0x7ffd1040);
        long stack1 = b.blob(new byte[256]);
        long stack2 = b.blob(new byte[128]);
        b.systemInfo(9, 0x8201, 2);
        b.threadList(0, new long[][] {{100, 0x7ffc1000, 256, stack1, ctx1}, {101, 0x7ffd1000, 128, stack2, ctx2}});
        b.moduleList(0, new Object[][] {
                {0x400000L, 0x10000L, "/usr/bin/crash", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
                {0x7f0000000000L, 0x200000L, "/lib/x86_64-linux-gnu/libc.so.6", new byte[] {21, 22, 23, 24}}});
        b.memoryList(0, new long[][] {{0x7ffc1000, 256, stack1}, {0x7ffd1000, 128, stack2}});
        b.exception(100, 0xb, 0, 0, new long[] {0}, ctx1);
        b.stream(StreamType.LINUX_MAPS, "00400000-00410000 r-xp 00000000 08:01 1 /usr/bin/crash\n".getBytes(StandardCharsets.US_ASCII));
        return b.build();
    }
}
