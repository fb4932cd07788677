package dev.sextant.engine.format.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bind resolver's other input: {@code /etc/ld.so.cache} (the new format's entries, hwcap
 * subdirectories, string table), parsed and looked up as {@code bind} does, over this machine's cache
 * cut and patched, or raw bytes. Contract: {@link FormatException} only.
 */
class LdSoCacheFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("LdSoCacheFuzz", FormatException.class);
    private static final byte[] BASE = machineCache();

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(BASE, data);
        CONTRACT.check(file.length, () -> {
            LdSoCache c = LdSoCache.parse(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN));
            for (String name : List.of("libc.so.6", "libm.so.6", "libdw.so.1")) c.lookup(name, 0x303, () -> List.of("x86-64-v3"));
            for (LdSoCache.Entry e : c.entries().subList(0, Math.min(c.entries().size(), 64))) c.lookup(e.name(), e.flags(), List::of);
        });
    }

    private static byte[] machineCache() {
        try {
            byte[] b = Files.readAllBytes(Path.of("/etc/ld.so.cache"));
            return b.length > (1 << 20) ? new byte[0] : b;
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
