package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs of non-zero blocks written whole, zero blocks left as holes, whatever the buffers' sizes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparseWriterTest {
    private static final int BLOCK = 64 * 1024;

    @TempDir Path work;

    /**
     * 48 blocks and 777 bytes: two zero blocks first, then runs of one to five data blocks between
     * zero ones, a block whose only non-zero byte is its last, and a zero tail (the file must still
     * be its full length). Passed in buffers of 512 KiB (the decoder's), of 200,000 bytes (runs
     * cross buffers, blocks do not start at multiples of 64 KiB) and whole.
     */
    @ParameterizedTest
    @ValueSource(ints = {512 << 10, 200_000, 48 * BLOCK + 777})
    void theCopyIsEqualAndItsZeroBlocksAreHoles(int buffer) throws Exception {
        byte[] data = new byte[48 * BLOCK + 777];
        Random random = new Random(buffer);
        int[] runs = {1, 3, 5, 2, 4};
        int block = 2;
        for (int i = 0; block < 40; i++) {
            for (int k = 0; k < runs[i % runs.length] && block < 40; k++, block++) {
                byte[] b = new byte[BLOCK];
                random.nextBytes(b);
                System.arraycopy(b, 0, data, block * BLOCK, BLOCK);
            }
            block++;   // a zero block between runs
        }
        data[42 * BLOCK + BLOCK - 1] = 7;
        Path out = Files.createFile(work.resolve("out"));
        try (SparseWriter w = new SparseWriter(out)) {
            ByteBuffer direct = ByteBuffer.allocateDirect(buffer);
            for (int off = 0; off < data.length; off += buffer) {
                direct.clear();
                direct.put(data, off, Math.min(buffer, data.length - off)).flip();
                w.write(direct);
                assertThat(direct.hasRemaining()).isFalse();
            }
            assertThat(w.written()).isEqualTo(data.length);
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(data);
        // 30 blocks hold data. Buffers of 200,000 bytes see blocks that straddle the file's: a lone
        // zero block between runs is no longer whole in any of them and is written, but the two
        // zero blocks at the head and those of the tail stay holes.
        if (buffer % BLOCK == 0 || buffer == data.length) {
            assertThat(allocated(out)).as("bytes on disk").isBetween(30L * BLOCK, 31L * BLOCK);
        } else {
            assertThat(allocated(out)).as("bytes on disk").isLessThan(44L * BLOCK);
        }
    }

    /** A file given with stale content is emptied first: its holes must read as zeros. */
    @Test void aFileWithContentIsEmptiedFirst() throws Exception {
        Path out = work.resolve("stale");
        byte[] stale = new byte[4 * BLOCK];
        java.util.Arrays.fill(stale, (byte) 0x5a);
        Files.write(out, stale);
        byte[] data = new byte[2 * BLOCK];
        data[BLOCK + 1] = 1;
        try (SparseWriter w = new SparseWriter(out)) {
            w.write(ByteBuffer.allocateDirect(data.length).put(data).flip());
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(data);
    }

    private static long allocated(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] st = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(st[0]) * Long.parseLong(st[1]);
    }
}
