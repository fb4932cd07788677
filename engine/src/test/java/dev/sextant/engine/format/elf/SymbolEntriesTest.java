package dev.sextant.engine.format.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.format.io.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The raw symbol table of a real library against {@code readelf --dyn-syms}; cut files give typed errors only. */
@Timeout(60)
class SymbolEntriesTest {
    static final Path LIBZ = Path.of("/lib/x86_64-linux-gnu/libz.so.1");

    /** libz ships without .symtab: its .dynsym, entry by entry (value, size, section index, name). */
    @Test void dynamicSymbolsMatchReadelf() throws Exception {
        assumeTrue(Files.exists(LIBZ), "needs libz.so.1");
        List<String> ref = new ArrayList<>();
        for (String line : DynamicSymbolsTest.readelf("--dyn-syms", LIBZ.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 7 || !f[0].matches("\\d+:")) continue;
            String name = f.length > 7 ? f[7].replaceFirst("@.*", "") : "";
            String ndx = f[6].equals("UND") ? "0" : f[6].equals("ABS") ? String.valueOf(SymbolEntries.SHN_ABS) : f[6];
            ref.add(Long.parseUnsignedLong(f[1], 16) + " " + Long.decode(f[2]) + " " + ndx + " " + name);
        }
        assumeTrue(!ref.isEmpty(), "readelf listed no dynamic symbols");
        SymbolEntries e = SymbolEntries.read(LIBZ.toRealPath()).orElseThrow();
        assertThat(e.dynamic()).isTrue();
        List<String> ours = new ArrayList<>();
        for (int i = 0; i < e.count(); i++) {
            ours.add(e.value(i) + " " + e.size(i) + " " + e.sectionIndex(i) + " " + e.name(i).orElse("?"));
        }
        assertThat(ours).isEqualTo(ref);
    }

    /** Cut at many lengths: a typed error or no table, never an unchecked exception. */
    @Test void truncatedFilesGiveTypedErrorsOnly(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(LIBZ), "needs libz.so.1");
        byte[] full = Files.readAllBytes(LIBZ.toRealPath());
        Path cut = dir.resolve("cut.so");
        int typed = 0;
        for (int len = 0; len < full.length; len += Math.max(1, full.length / 97)) {
            Files.write(cut, Arrays.copyOf(full, len));
            try {
                Optional<SymbolEntries> e = SymbolEntries.read(cut);
                if (e.isPresent()) for (int i = 0; i < e.get().count(); i++) e.get().name(i);
            } catch (FormatException ex) {
                typed++;
            }
        }
        assertThat(typed).as("cuts that failed with FormatException").isGreaterThan(50);
    }
}
