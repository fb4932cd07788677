package dev.sextant.engine.format.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DynamicObject#read(Path)} reads only the loader's parts of a file; it must see exactly what
 * the whole mapped file gives ({@link DynamicObject#read(ByteReader)}): every symbol, version,
 * relocation bit, name and build-id, for the machine's own ELF files, and the same error for a damaged one.
 */
@Timeout(120)
class DynamicObjectPartialReadTest {

    static List<Path> sample() throws Exception {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/bin")) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isRegularFile).sorted().forEach(p -> {
                    try {
                        if (Files.size(p) > 64) {
                            byte[] m = DynamicObject.head(p, 4);
                            if (m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F') out.add(p);
                        }
                    } catch (java.io.IOException e) {
                        // unreadable: not in the sample
                    }
                });
            }
        }
        // every 7th file: a few hundred libraries and executables of every size
        List<Path> picked = new ArrayList<>();
        for (int i = 0; i < out.size(); i += 7) picked.add(out.get(i));
        return picked;
    }

    static String describe(DynamicObject o) {
        StringBuilder sb = new StringBuilder();
        sb.append(o.header()).append('\n').append(o.interpreter()).append(' ').append(o.needed()).append(' ')
                .append(o.soname()).append(' ').append(o.buildId()).append(' ').append(o.sections().size()).append('\n');
        o.dynamic().ifPresent(d -> sb.append(d.entries()).append('\n'));
        DynamicSymbols s = o.symbols();
        sb.append(s.count()).append('\n');
        for (int i = 0; i < s.count(); i++) {
            sb.append(s.symbol(i)).append(' ').append(o.versions().versym(i)).append('\n');
        }
        sb.append(o.versions().defined()).append(o.versions().needed()).append('\n');
        sb.append(o.relocations()).append('\n');
        return sb.toString();
    }

    @Test void theLoadersPartsEqualTheWholeFile() throws Exception {
        List<Path> files = sample();
        assumeTrue(files.size() >= 20, "too few ELF files on this machine");
        int compared = 0;
        for (Path p : files) {
            Object whole, parts;
            try {
                whole = describe(DynamicObject.read(ByteReader.map(p, ByteOrder.LITTLE_ENDIAN)));
            } catch (FormatException e) {
                whole = e.getMessage();
            }
            try {
                parts = describe(DynamicObject.read(p));
            } catch (FormatException e) {
                parts = e.getMessage();
            }
            assertThat(parts).as(p.toString()).isEqualTo(whole);
            compared++;
        }
        assertThat(compared).isEqualTo(files.size());
    }

    @Test void aDamagedFileFailsAsTheWholeFileDoes(@TempDir Path tmp) throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        assumeTrue(Files.exists(libc), "no libc.so.6");
        byte[] b = Files.readAllBytes(libc);
        DynamicObject ok = DynamicObject.read(libc);
        long strOff = ok.dynamic().orElseThrow().loadMap().fileOffset("t", ok.dynamic().orElseThrow().value(DynamicSection.DT_STRTAB).getAsLong(), 0);
        // cut the file inside its string table: both readers must refuse it with the same error
        Path cut = tmp.resolve("cut.so");
        Files.write(cut, java.util.Arrays.copyOf(b, (int) strOff + 100));
        Throwable whole = catchThrowable(() -> DynamicObject.read(ByteReader.map(cut, ByteOrder.LITTLE_ENDIAN)));
        Throwable parts = catchThrowable(() -> DynamicObject.read(cut));
        assertThat(whole).isInstanceOf(FormatException.class);
        assertThat(parts).isInstanceOf(FormatException.class).hasMessage(whole.getMessage());
    }
}
