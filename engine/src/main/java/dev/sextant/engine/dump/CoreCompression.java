package dev.sextant.engine.dump;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The compressions systemd-coredump stores cores in ({@code Compress=} in coredump.conf: zstd on
 * current systems, lz4 or xz on older ones), told apart by the stream's magic, never by the file's name.
 */
public enum CoreCompression {
    /** RFC 8878 frame: {@code 28 B5 2F FD}. */
    ZSTD("zstd", new byte[]{0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}),
    /** LZ4 frame format (what {@code lz4} and systemd's LZ4F write): {@code 04 22 4D 18}. */
    LZ4("lz4", new byte[]{0x04, 0x22, 0x4D, 0x18}),
    /** .xz container: {@code FD 37 7A 58 5A 00}. */
    XZ("xz", new byte[]{(byte) 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00});

    private final String label;
    private final byte[] magic;

    CoreCompression(String label, byte[] magic) {
        this.label = label;
        this.magic = magic;
    }

    /** {@code "zstd"}, {@code "lz4"}, {@code "xz"}: the tool's name, as messages say it. */
    public String label() { return label; }

    /** The compression of {@code file} by its first bytes; empty for anything else (an ELF core, a minidump). */
    public static Optional<CoreCompression> of(Path file) throws IOException {
        byte[] head = new byte[6];
        int n = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(head);
            while (b.hasRemaining() && ch.read(b) > 0) { /* a short file gives fewer bytes */ }
            n = b.position();
        }
        return of(head, n);
    }

    /** As {@link #of(Path)} for the first {@code length} bytes of {@code head}. */
    public static Optional<CoreCompression> of(byte[] head, int length) {
        for (CoreCompression c : values()) {
            if (length >= c.magic.length && Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** A decompressing stream over {@code in}; a damaged or cut stream fails with an {@link IOException} while reading. */
    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            // Not continuous: a stream cut short is an error, not a quiet end.
            case ZSTD -> new ZstdInputStreamNoFinalizer(in).setContinuous(false);
            case LZ4 -> new LZ4FrameInputStream(in);
            case XZ -> new XZInputStream(in, -1);
        };
    }
}
