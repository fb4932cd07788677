package dev.sextant.engine.breakpad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large symbol file is searched in place (no index of the whole file): every lookup gives what the
 * full index of the same file gives, at every FUNC and STACK CFI INIT record's first, middle and last
 * byte and just past it (every fifth record). The file is libc's export (thousands of FUNCs, LINE and INLINE records from
 * libc6-dbg's DWARF, STACK CFI).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InPlaceLookupTest {
    @TempDir Path dir;

    @Test void searchingInPlaceAgreesWithTheIndex() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        Assumptions.assumeTrue(Files.isRegularFile(libc), "no x86-64 libc");
        Path sym = BreakpadExport.export(libc, dir.resolve("libc.sym"), new Cancellation()).output();
        assertThat(Files.size(sym)).as("large enough to be searched in place").isGreaterThan(1 << 20);
        BreakpadSymbols inPlace = BreakpadSymbols.open(sym), indexed = BreakpadSymbols.openIndexed(sym);
        List<Long> probes = new ArrayList<>();
        int record = 0;
        for (String line : Files.readAllLines(sym)) {
            String[] f = line.split(" ");
            int at = line.startsWith("FUNC m ") ? 2 : line.startsWith("FUNC ") ? 1 : line.startsWith("STACK CFI INIT ") ? 3 : -1;
            if (at < 0 || record++ % 5 != 0) continue;            // every fifth record: a few seconds in all
            long a = Long.parseUnsignedLong(f[at], 16), n = Long.parseUnsignedLong(f[at + 1], 16);
            probes.addAll(List.of(a, a + n / 2, a + n - 1, a + n));
        }
        assertThat(probes).hasSizeGreaterThan(1_000);
        int framesNamed = 0, inlined = 0;
        for (long a : probes) {
            var frames = inPlace.frames(a);
            assertThat(frames).as("frames at %x", a).isEqualTo(indexed.frames(a));
            assertThat(inPlace.function(a)).as("function at %x", a).isEqualTo(indexed.function(a));
            assertThat(inPlace.cfi(a)).as("CFI at %x", a).isEqualTo(indexed.cfi(a));
            if (!frames.isEmpty()) framesNamed++;
            if (frames.size() > 1) inlined++;
        }
        assertThat(framesNamed).as("probes inside a FUNC").isGreaterThan(probes.size() / 4);
        assertThat(inlined).as("probes inside inlined calls (libc6-dbg's DWARF)").isPositive();
    }
}
