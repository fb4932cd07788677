package dev.sextant.engine.format.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The machine's /etc/ld.so.cache against {@code ldconfig -p}, which prints the same table. */
@Timeout(60)
class LdSoCacheTest {
    static final Path CACHE = Path.of("/etc/ld.so.cache");

    @Test void entriesEqualLdconfigP() throws Exception {
        assumeTrue(Files.isReadable(CACHE), "no /etc/ld.so.cache");
        String out = Tools.reference(Tools.onPath("ldconfig") ? "ldconfig" : "/sbin/ldconfig", "-p").all();
        Set<String> ref = new TreeSet<>();
        for (String line : out.split("\n")) {
            int arrow = line.indexOf(" => ");
            if (!line.startsWith("\t") || arrow < 0) continue;
            String name = line.substring(1, line.indexOf(' ', 1));
            ref.add(name + " " + line.substring(arrow + 4).trim());
        }
        LdSoCache cache = LdSoCache.read(CACHE);
        Set<String> ours = new TreeSet<>();
        for (LdSoCache.Entry e : cache.entries()) ours.add(e.name() + " " + e.path());
        assertThat(ours).isEqualTo(ref);
        assertThat(out).contains(cache.entries().size() + " libs found");
    }

    @Test void libcLookupFindsTheDefaultEntry() throws Exception {
        assumeTrue(Files.isReadable(CACHE), "no /etc/ld.so.cache");
        LdSoCache cache = LdSoCache.read(CACHE);
        int flags = LdSoCache.FLAG_ELF_LIBC6 | LdSoCache.FLAG_X8664_LIB64;
        assumeTrue(cache.byName().containsKey("libc.so.6"), "libc.so.6 not in the cache");
        assertThat(cache.lookup("libc.so.6", flags, List::of)).get().asString().endsWith("/libc.so.6");
        assertThat(cache.lookup("libc.so.6", 0x0003, List::of)).isEmpty();     // an i386 lookup wants other flags
        assertThat(cache.lookup("libdoes-not-exist.so.9", flags, List::of)).isEmpty();
    }

    @Test void truncatedCacheGivesTypedErrors() throws Exception {
        assumeTrue(Files.isReadable(CACHE), "no /etc/ld.so.cache");
        byte[] full = Files.readAllBytes(CACHE);
        for (int n = 0; n < full.length; n += Math.max(1, full.length / 300)) {
            ByteReader r = ByteReader.of(Arrays.copyOf(full, n), ByteOrder.nativeOrder());
            try {
                LdSoCache.parse(r);
            } catch (FormatException e) {
                assertThat(e.kind()).isIn(FormatException.Kind.values());
            }
        }
        assertThatThrownBy(() -> LdSoCache.parse(ByteReader.of(new byte[64], ByteOrder.LITTLE_ENDIAN)))
                .isInstanceOf(FormatException.class);
    }
}
