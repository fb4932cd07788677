package dev.sextant.engine.breakpad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            assertThat(inPlace.publicSymbol(a)).as("PUBLIC at %x", a).isEqualTo(indexed.publicSymbol(a));
            if (!frames.isEmpty()) framesNamed++;
            if (frames.size() > 1) inlined++;
        }
        assertThat(framesNamed).as("probes inside a FUNC").isGreaterThan(probes.size() / 4);
        assertThat(inlined).as("probes inside inlined calls (libc6-dbg's DWARF)").isPositive();
        assertThat(inPlace.indexedWhole()).as("no lookup indexed the whole file").isFalse();
    }

    /**
     * The file with every third FUNC (and its lines) turned into a PUBLIC of the same address and name,
     * as for a function without DWARF, the PUBLICs laid out either after the last FUNC, before STACK CFI
     * (Breakpad's dump_syms) or among the FUNCs in address order (Sextant's export): each PUBLIC's own
     * address names it (the name read from the FUNC line it replaced), and the in-place answers at and
     * around every PUBLIC and every seventh FUNC equal the index's, without indexing the file.
     */
    @Test void publicsAfterTheFunctionsAsDumpSymsWritesThemOrAmongThemAreSearchedInPlace() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        Assumptions.assumeTrue(Files.isRegularFile(libc), "no x86-64 libc");
        List<String> lines = Files.readAllLines(BreakpadExport.export(libc, dir.resolve("libc.sym"), new Cancellation()).output());
        List<String> head = new ArrayList<>(), funcs = new ArrayList<>(), mixed = new ArrayList<>(), publics = new ArrayList<>(),
                stack = new ArrayList<>();
        Map<Long, String> names = new LinkedHashMap<>();
        List<Long> probes = new ArrayList<>();
        boolean dropping = false;
        int record = 0;
        for (String line : lines) {
            if (line.startsWith("STACK ")) { stack.add(line); continue; }
            if (line.startsWith("FUNC ")) {
                int at = line.startsWith("FUNC m ") ? 2 : 1;
                String[] f = line.split(" ", at + 4);
                long a = Long.parseUnsignedLong(f[at], 16), n = Long.parseUnsignedLong(f[at + 1], 16);
                dropping = record++ % 3 == 0;
                if (dropping) {
                    String pub = "PUBLIC " + Long.toHexString(a) + " 0 " + f[at + 3];
                    publics.add(pub); mixed.add(pub); names.put(a, f[at + 3]);
                    probes.addAll(List.of(a - 1, a + 1, a + n));
                } else if (record % 7 == 0) {
                    probes.addAll(List.of(a, a + n, a + n + 8));
                }
            } else if (funcs.isEmpty() && mixed.isEmpty()) {
                head.add(line);
                continue;
            }
            if (!dropping) { funcs.add(line); mixed.add(line); }
        }
        assertThat(publics).hasSizeGreaterThan(100);
        for (List<String> body : List.of(concat(funcs, publics), mixed)) {
            Path sym = Files.write(dir.resolve("public.sym"), concat(head, body, stack));
            BreakpadSymbols inPlace = BreakpadSymbols.open(sym), indexed = BreakpadSymbols.openIndexed(sym);
            names.forEach((a, name) -> assertThat(inPlace.publicSymbol(a).orElseThrow().name()).as("PUBLIC at %x", a).isEqualTo(name));
            for (long a : probes) assertThat(inPlace.publicSymbol(a)).as("PUBLIC at %x", a).isEqualTo(indexed.publicSymbol(a));
            assertThat(inPlace.publicSymbol(0)).isEqualTo(indexed.publicSymbol(0));
            assertThat(inPlace.indexedWhole()).as("no lookup indexed the whole file").isFalse();
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) all.addAll(p);
        return all;
    }
}
