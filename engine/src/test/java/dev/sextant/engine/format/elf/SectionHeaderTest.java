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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Section headers of a real library against {@code readelf -S}; a cut table fails with its offset. */
@Timeout(60)
class SectionHeaderTest {
    static final Path LIBZ = Path.of("/lib/x86_64-linux-gnu/libz.so.1");

    @Test void namesTypesAndOffsetsMatchReadelf() throws Exception {
        assumeTrue(Files.exists(LIBZ), "needs libz.so.1");
        String out = Tools.reference("readelf", "-W", "-S", LIBZ.toString()).all();
        List<String> ref = new ArrayList<>();
        for (String line : out.split("\n")) {
            String t = line.replace("[ ", "[").trim();
            if (!t.matches("^\\[\\s*\\d+\\].*") || t.startsWith("[Nr]")) continue;
            String[] f = t.substring(t.indexOf(']') + 1).trim().split("\\s+");
            if (f[0].equals("NULL")) continue;          // section 0 has no name
            ref.add(f[0] + " " + Long.parseLong(f[3], 16) + " " + Long.parseLong(f[4], 16));
        }
        ByteReader r = ByteReader.map(LIBZ.toRealPath(), ByteOrder.LITTLE_ENDIAN);
        List<String> ours = new ArrayList<>();
        for (SectionHeader s : SectionHeader.readAll(r, ElfHeader.read(r))) {
            if (s.index() == 0) continue;
            ours.add(s.name() + " " + s.offset() + " " + s.size());
        }
        assertThat(ours).isEqualTo(ref);
    }

    @Test void tableCutShortIsATypedError() throws Exception {
        assumeTrue(Files.exists(LIBZ), "needs libz.so.1");
        byte[] full = Files.readAllBytes(LIBZ.toRealPath());
        ByteReader r = ByteReader.of(full, ByteOrder.LITTLE_ENDIAN);
        ElfHeader eh = ElfHeader.read(r);
        ByteReader cut = ByteReader.of(Arrays.copyOf(full, (int) eh.shoff() + 10), ByteOrder.LITTLE_ENDIAN);
        assertThatThrownBy(() -> SectionHeader.readAll(cut, eh)).isInstanceOf(FormatException.class)
                .satisfies(e -> assertThat(((FormatException) e).offset()).isEqualTo(eh.shoff()));
    }
}
