package dev.sextant.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a fuzzer's bytes into a file for a parser: either the bytes themselves, or a real file made by
 * the test (a compiled program, its core, a minidump) truncated and patched as the bytes say. Patched
 * real files reach the parsers' deep paths in seconds, where raw bytes need minutes to rebuild a valid
 * header chain; the fuzzer still steers both through its coverage feedback.
 */
public final class FuzzInputs {
    private FuzzInputs() {}

    /**
     * Byte 0 chooses: even, the rest of {@code fuzz} is the file; odd, {@code base} with the edits that
     * follow. With bit 1 set the edited file is first cut at the length in bytes 1-3. Each edit is four
     * bytes: a 24-bit offset (modulo the length; offsets in the first 4 KiB when its top bit is set,
     * where the headers are) and the byte to write there.
     */
    public static byte[] fileFrom(byte[] base, byte[] fuzz) {
        if (fuzz.length == 0) return fuzz;
        if ((fuzz[0] & 1) == 0 || base.length == 0) return Arrays.copyOfRange(fuzz, 1, fuzz.length);
        byte[] out = base;
        int i = 1;
        if ((fuzz[0] & 2) != 0 && fuzz.length >= 4) {
            int cut = u24(fuzz, 1) % (base.length + 1);
            out = Arrays.copyOf(base, cut);
            i = 4;
        } else {
            out = base.clone();
        }
        if (out.length == 0) return out;
        for (; i + 4 <= fuzz.length; i += 4) {
            int off = u24(fuzz, i);
            int where = (off & 0x800000) != 0 ? (off & 0xfff) % out.length : off % out.length;
            out[where] = fuzz[i + 3];
        }
        return out;
    }

    private static Path scratch;

    /**
     * {@code bytes} written to this JVM's scratch file (in {@code /dev/shm} where it exists), for the
     * parsers that read files by path: the same file is rewritten for every input.
     */
    public static synchronized Path asFile(byte[] bytes) throws IOException {
        if (scratch == null) {
            Path shm = Path.of("/dev/shm");
            scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempFile(shm, "sextant-fuzz", ".bin")
                    : Files.createTempFile("sextant-fuzz", ".bin");
            scratch.toFile().deleteOnExit();
        }
        Files.write(scratch, bytes);
        return scratch;
    }

    private static int u24(byte[] b, int i) {
        return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
    }
}
