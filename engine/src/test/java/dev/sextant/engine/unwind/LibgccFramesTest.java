package dev.sextant.engine.unwind;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * libgcc's lists as a hostile core could hold them (the real lists are read in JitStackTest from
 * live processes and cores): objects of each kind, a list that loops, a list that points nowhere.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LibgccFramesTest {
    private static final long BASE = 0x10000;

    /** Memory of 4 KiB at BASE, as little-endian words. */
    private static final class Words implements TargetMemory {
        final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        void put(long address, long value) { b.putLong((int) (address - BASE), value); }
        @Override public byte[] read(long address, int length) {
            long off = address - BASE;
            if (off < 0 || off >= 4096) return new byte[0];
            int n = (int) Math.min(length, 4096 - off);
            byte[] out = new byte[n];
            b.get((int) off, out);
            return out;
        }
    }

    private static final long UNSEEN = BASE, SEEN = BASE + 8;

    private static void object(Words m, long at, long u, long bits, long next) {
        m.put(at + LibgccFrames.U, u);
        m.put(at + LibgccFrames.S, bits);
        m.put(at + LibgccFrames.NEXT, next);
    }

    @Test void eachKindOfObjectGivesItsSections() {
        Words m = new Words();
        // unseen: a single section, then a table of two sections
        object(m, BASE + 0x100, 0x7000_1000L, 0, BASE + 0x200);
        object(m, BASE + 0x200, BASE + 0x800, 2, 0);
        m.put(BASE + 0x800, 0x7000_2000L);
        m.put(BASE + 0x808, 0x7000_3000L);
        m.put(UNSEEN, BASE + 0x100);
        // seen (sorted): u is the vector whose first word is the original section
        object(m, BASE + 0x300, BASE + 0x900, 1 | (0x1b << 3) | (5L << 11), 0);
        m.put(BASE + 0x900, 0x7000_4000L);
        m.put(SEEN, BASE + 0x300);
        List<String> problems = new ArrayList<>();
        assertThat(LibgccFrames.sections(m, new LibgccFrames.Heads(UNSEEN, SEEN), problems))
                .containsExactly(0x7000_1000L, 0x7000_2000L, 0x7000_3000L, 0x7000_4000L);
        assertThat(problems).isEmpty();
    }

    @Test void aLoopingListStopsWithAProblem() {
        Words m = new Words();
        object(m, BASE + 0x100, 0x7000_1000L, 0, BASE + 0x200);
        object(m, BASE + 0x200, 0x7000_2000L, 0, BASE + 0x100);
        m.put(UNSEEN, BASE + 0x100);
        List<String> problems = new ArrayList<>();
        assertThat(LibgccFrames.sections(m, new LibgccFrames.Heads(UNSEEN, SEEN), problems)).containsExactly(0x7000_1000L, 0x7000_2000L);
        assertThat(problems).singleElement().asString().contains("loops");
    }

    @Test void anObjectOutsideMemoryIsAProblem() {
        Words m = new Words();
        m.put(UNSEEN, 0x7fff_0000L);
        List<String> problems = new ArrayList<>();
        assertThat(LibgccFrames.sections(m, new LibgccFrames.Heads(UNSEEN, SEEN), problems)).isEmpty();
        assertThat(problems).singleElement().asString().contains("not readable");
    }

    @Test void codeWithoutThePatternFindsNoHeads() {
        Words m = new Words();   // all zeros: no RIP-relative loads and stores
        assertThat(LibgccFrames.heads(m, m, BASE, BASE + 0x400)).isEmpty();
    }
}
