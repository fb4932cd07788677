package dev.sextant.engine.format.pe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PE headers against {@code x86_64-w64-mingw32-objdump -p -h}. */
class PeImageTest {
    private static final String OBJDUMP = "x86_64-w64-mingw32-objdump";

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        return Tools.reference(StandardCharsets.ISO_8859_1, cmd).stdout();
    }

    private static List<Path> images() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/corpus/pe/symbolic");
            if (Files.isDirectory(c)) {
                for (String n : List.of("CrashWithException.exe", "crash.exe", "hello-dwarf.exe")) out.add(c.resolve(n));
                break;
            }
        }
        Path gcc = Path.of("/usr/lib/gcc/x86_64-w64-mingw32");
        if (Files.isDirectory(gcc)) {
            try (Stream<Path> s = Files.walk(gcc)) {
                s.filter(p -> p.toString().endsWith(".dll")).sorted().limit(4).forEach(out::add);
            }
        }
        return out;
    }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s+([0-9a-f]+)").matcher(out);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void headersDirectoriesAndSectionsMatchObjdump() throws Exception {
        assumeTrue(onPath(OBJDUMP), "mingw-w64 binutils not installed");
        List<Path> images = images();
        assumeTrue(!images.isEmpty(), "no PE images (corpus or mingw-w64 DLLs)");
        for (Path image : images) {
            String p = run(OBJDUMP, "-p", image.toString());
            PeImage pe = PeImage.open(image);
            PeImage.OptionalHeader oh = pe.optionalHeader();
            assertThat(Integer.toHexString(oh.magic())).isEqualTo(field(p, "Magic").replaceFirst("^0+", ""));
            assertThat(oh.imageBase()).isEqualTo(Long.parseUnsignedLong(field(p, "ImageBase"), 16));
            assertThat(oh.addressOfEntryPoint()).isEqualTo(Long.parseLong(field(p, "AddressOfEntryPoint"), 16));
            assertThat(oh.sizeOfImage()).isEqualTo(Long.parseLong(field(p, "SizeOfImage"), 16));
            assertThat(oh.sizeOfHeaders()).isEqualTo(Long.parseLong(field(p, "SizeOfHeaders"), 16));
            List<String> dirs = new ArrayList<>();
            Matcher d = Pattern.compile("(?m)^Entry ([0-9a-f]) ([0-9a-f]+) ([0-9a-f]+) ").matcher(p);
            while (d.find()) dirs.add(Integer.parseInt(d.group(1), 16) + " " + Long.parseLong(d.group(2), 16) + " " + Long.parseLong(d.group(3), 16));
            assertThat(dirs).hasSize(16);
            assertThat(oh.dataDirectories()).extracting(x -> x.index() + " " + x.rva() + " " + x.size()).as("%s", image).isEqualTo(dirs);

            String h = run(OBJDUMP, "-h", image.toString());
            List<String> names = new ArrayList<>();
            Matcher s = Pattern.compile("(?m)^\\s+\\d+ (\\S+)\\s+[0-9a-f]{8}\\s+([0-9a-f]+)\\s+[0-9a-f]+\\s+([0-9a-f]{8})").matcher(h);
            while (s.find()) names.add(s.group(1) + " " + (Long.parseUnsignedLong(s.group(2), 16) - oh.imageBase()) + " " + Long.parseLong(s.group(3), 16));
            assertThat(names).as("objdump -h sections of %s", image).hasSize(pe.sections().size());
            assertThat(pe.sections()).extracting(x -> x.name() + " " + x.virtualAddress() + " " + x.pointerToRawData())
                    .as("sections of %s", image).containsAll(names);
        }
    }

    @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rvaToFileOffsetAndTypedErrors() throws Exception {
        List<Path> images = images();
        assumeTrue(!images.isEmpty(), "no PE images");
        PeImage pe = PeImage.open(images.get(0));
        PeSection first = pe.sections().get(0);
        assertThat(pe.rvaToFileOffset(first.virtualAddress() + 4, "test")).isEqualTo(first.pointerToRawData() + 4);
        assertThatThrownBy(() -> pe.rvaToFileOffset(0x7fff0000L, "far RVA")).isInstanceOf(FormatException.class)
                .hasMessageContaining("outside every section");
        assertThatThrownBy(() -> PeImage.read(ByteReader.of("MZ but nothing else".getBytes(), ByteOrder.LITTLE_ENDIAN)))
                .isInstanceOf(FormatException.class);
        assertThatThrownBy(() -> PeImage.read(ByteReader.of(new byte[256], ByteOrder.LITTLE_ENDIAN)))
                .isInstanceOf(FormatException.class).satisfies(e -> assertThat(((FormatException) e).kind()).isEqualTo(FormatException.Kind.BAD_MAGIC));
        byte[] file = Files.readAllBytes(images.get(0));
        for (int cut = 0; cut < Math.min(file.length, 4096); cut += 3) {
            try {
                PeImage.read(ByteReader.of(java.util.Arrays.copyOf(file, cut), ByteOrder.LITTLE_ENDIAN));
            } catch (FormatException expected) {
                assertThat(expected.what()).isNotEmpty();
            }
        }
    }
}
