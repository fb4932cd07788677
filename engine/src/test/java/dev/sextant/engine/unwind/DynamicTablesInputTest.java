package dev.sextant.engine.unwind;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a target keeps in memory for its JIT is the target's: lists that loop, entries pointing
 * nowhere, objects too large or not ELF, sections without a terminator, perf maps with junk lines.
 * Each becomes a problem or a skipped entry, never an exception out of the sync or a hang.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DynamicTablesInputTest {
    /** Target memory: one block of bytes at a base address; anything else unreadable. */
    record Block(long base, byte[] bytes) implements TargetMemory {
        @Override public byte[] read(long address, int length) {
            long off = address - base;
            if (off < 0 || off >= bytes.length) return new byte[0];
            return Arrays.copyOfRange(bytes, (int) off, (int) Math.min(bytes.length, off + length));
        }
    }

    static final long BASE = 0x10000;

    static ByteBuffer memory(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }

    @Test void aLoopingEntryListIsCutAndSaid() {
        ByteBuffer m = memory(256);
        m.putInt(0, 1).putLong(16, BASE + 64);                       // descriptor: version 1, first entry at +64
        m.putLong(64, BASE + 128).putLong(80, BASE + 200).putLong(88, 16);   // entry 1 → entry 2; object at +200, 16 bytes
        m.putLong(128, BASE + 64).putLong(144, BASE + 200).putLong(152, 16); // entry 2 → entry 1: a loop
        List<String> problems = new java.util.ArrayList<>();
        List<GdbJitInterface.Entry> entries = GdbJitInterface.entries(new Block(BASE, m.array()), BASE, problems);
        assertThat(entries).hasSize(2);
        assertThat(problems).anyMatch(p -> p.contains("loops"));
        try (DynamicTables t = new DynamicTables()) {
            t.syncGdbJit(new Block(BASE, m.array()), List.of(BASE));
            assertThat(t.tables().tables()).isEmpty();                 // 16 bytes of zeros are no ELF object
            assertThat(t.problems()).anyMatch(p -> p.contains("loops")).anyMatch(p -> p.startsWith("JIT object at 0x"));
        }
    }

    @Test void unreadableDescriptorsEntriesAndOversizedObjectsAreProblems() {
        try (DynamicTables t = new DynamicTables()) {
            t.syncGdbJit(new Block(BASE, new byte[8]), List.of(0x999_0000L));
            assertThat(t.problems()).singleElement().satisfies(p -> assertThat(p).contains("not readable"));
            ByteBuffer m = memory(128);
            m.putInt(0, 1).putLong(16, BASE + 64).putLong(64 + 16, BASE).putLong(64 + 24, Long.MAX_VALUE);
            t.syncGdbJit(new Block(BASE, m.array()), List.of(BASE));
            assertThat(t.problems()).singleElement().satisfies(p -> assertThat(p).contains("is not between 1 and"));
            m.putLong(64 + 24, 100_000);                                 // claims 100 kB, 128 bytes readable
            t.syncGdbJit(new Block(BASE, m.array()), List.of(BASE));
            assertThat(t.problems()).singleElement().satisfies(p -> assertThat(p).contains("readable"));
            m.putLong(16, BASE + 120);                                   // first entry runs off the end
            t.syncGdbJit(new Block(BASE, m.array()), List.of(BASE));
            assertThat(t.problems()).singleElement().satisfies(p -> assertThat(p).contains("JIT entry"));
            assertThat(t.tables().tables()).isEmpty();
        }
    }

    @Test void aRegisteredSectionWithoutTerminatorOrWithJunkIsRefused() {
        try (DynamicTables t = new DynamicTables()) {
            ByteBuffer m = memory(64);
            m.putInt(0, 60);                                             // one record longer than what is readable
            assertThat(t.addRegisteredFrames(new Block(BASE, m.array()), BASE)).isFalse();
            assertThat(t.problems()).anyMatch(p -> p.startsWith("__register_frame(0x10000)"));
            m.putInt(0, 12).putInt(4, 0).put(8, (byte) 99);             // a CIE of version 99, then the terminator
            assertThat(t.addRegisteredFrames(new Block(BASE, m.array()), BASE)).isFalse();
            assertThat(t.tables().tables()).isEmpty();
            assertThat(t.removeRegisteredFrames(BASE)).isFalse();
        }
    }

    @Test void perfMapJunkLinesAreCountedAndTheRestUsed(@TempDir Path dir) throws Exception {
        Path map = dir.resolve("perf-1.map");
        Files.writeString(map, "7f0000001000 20 first\nnot a line\n0x7f0000002000 0x10 second one\n7f0000003000 0 empty\nzz 10 bad\n");
        PerfMap.Read r = PerfMap.read(map);
        assertThat(r.functions()).extracting(e -> e.name().orElseThrow()).containsExactly("first", "second one");
        assertThat(r.badLines()).isEqualTo(3);
        try (DynamicTables t = new DynamicTables()) {
            t.syncPerfMap(map);
            assertThat(t.describe(0x7f0000002008L, true)).hasValueSatisfying(c -> {
                assertThat(c.name()).contains("second one");
                assertThat(c.start()).isEqualTo(0x7f0000002000L);
                assertThat(c.hasCfi()).isFalse();
            });
            assertThat(t.describe(0x7f0000001800L, true)).isEmpty();   // between two functions
            Files.delete(map);
            t.syncPerfMap(map);
            assertThat(t.tables().tables()).isEmpty();
        }
    }
}
