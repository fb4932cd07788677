package dev.sextant.engine.format.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.engine.format.io.ByteReader;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** libc's dynamic symbols, versions and needs against {@code readelf --dyn-syms -V}; hash lookups find every symbol. */
@Timeout(60)
class DynamicSymbolsTest {
    static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    static String readelf(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("readelf", "-W"));
        cmd.addAll(List.of(args));
        return Tools.reference(cmd.toArray(String[]::new)).all();
    }

    @Test void symbolsAndVersionsMatchReadelf() throws Exception {
        assumeTrue(Files.exists(LIBC), "no libc.so.6 at " + LIBC);
        DynamicObject o = DynamicObject.read(ByteReader.map(LIBC, ByteOrder.LITTLE_ENDIAN));
        String out = readelf("--dyn-syms", LIBC.toString());
        List<String> ref = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[0].endsWith(":") && f[0].matches("\\d+:")) ref.add(f[0] + " " + f[7] + " " + f[6]);
        }
        List<String> ours = new ArrayList<>();
        DynamicSymbols syms = o.symbols();
        for (int i = 0; i < syms.count(); i++) {
            DynamicSymbol s = syms.symbol(i);
            int vs = o.versions().versym(i);
            String name = s.name();
            if (name.isEmpty()) continue;
            if ((vs & 0x7fff) >= 2) {
                String v = o.versions().version(vs).orElseThrow().name();
                if (!v.equals(name)) name += (s.undefined() || (vs & 0x8000) != 0 ? "@" : "@@") + v;
            }
            String ndx = s.shndx() == 0 ? "UND" : s.shndx() == DynamicSymbol.SHN_ABS ? "ABS" : Integer.toString(s.shndx());
            ours.add(i + ": " + name + " " + ndx);
        }
        assertThat(ours).isEqualTo(ref);
        assertThat(o.soname()).contains("libc.so.6");
        assertThat(o.needed()).contains("ld-linux-x86-64.so.2");
    }

    @Test void hashLookupFindsEveryDefinedSymbol() throws Exception {
        assumeTrue(Files.exists(LIBC), "no libc.so.6 at " + LIBC);
        DynamicObject o = DynamicObject.read(ByteReader.map(LIBC, ByteOrder.LITTLE_ENDIAN));
        DynamicSymbols syms = o.symbols();
        int checked = 0;
        for (int i = 1; i < syms.count(); i++) {
            DynamicSymbol s = syms.symbol(i);
            if (s.undefined()) continue;
            assertThat(syms.lookup(s.name())).as(s.name()).contains(i);
            checked++;
        }
        assertThat(checked).isGreaterThan(1000);
        assertThat(syms.lookup("no_such_symbol_in_libc")).isEmpty();
    }
}
