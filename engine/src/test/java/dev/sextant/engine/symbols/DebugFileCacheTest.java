package dev.sextant.engine.symbols;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.attribute.FileTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.format.elf.ElfDecompressor;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.SectionHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uncompressed copy of a file built with {@code -gz=zlib} against {@code eu-elfcompress -t none}
 * (every section's bytes), and against {@code eu-addr2line} (same source lines); the cache writes a
 * copy once and leaves files it cannot improve alone.
 */
@Timeout(120)
class DebugFileCacheTest {
    @TempDir Path dir;

    private static String run(Path cwd, String... cmd) throws IOException, InterruptedException {
        assumeTrue(Tools.onPath(cmd[0]), cmd[0] + " is not installed");
        Tools.Result r = Tools.run(cwd, 60, List.of(cmd));
        assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.all()).isZero();
        return r.all();
    }

    /** A program with several functions and compressed DWARF. */
    private Path compressedProgram() throws Exception {
        Path src = dir.resolve("prog.c");
        Files.writeString(src, """
                #include <stdio.h>
                static int twice(int x) { return 2 * x; }
                int add(int a, int b) {
                    int s = a + b;
                    return twice(s);
                }
                int main(int argc, char **argv) {
                    printf("%d\\n", add(argc, 3));
                    return 0;
                }
                """);
        Path exe = dir.resolve("prog");
        run(dir, "cc", "-g", "-O0", "-gz=zlib", "-Wl,--build-id", "-o", exe.toString(), src.toString());
        ByteReader r = ByteReader.map(exe, ByteOrder.LITTLE_ENDIAN);
        assumeTrue(ElfDecompressor.hasCompressedSections(r), "this toolchain did not compress the debug sections");
        return exe;
    }

    private static Map<String, byte[]> sections(Path file) throws IOException {
        ByteReader r = ByteReader.map(file, ByteOrder.LITTLE_ENDIAN);
        Map<String, byte[]> out = new HashMap<>();
        for (SectionHeader s : SectionHeader.readAll(r, ElfHeader.read(r))) {
            if (!s.hasFileData()) continue;
            assertThat(s.flags() & SectionHeader.SHF_COMPRESSED).as(s.name()).isZero();
            out.put(s.name(), s.data(r).bytes(s.name(), 0, s.size()));
        }
        return out;
    }

    @Test void everySectionEqualsElfcompressOutput() throws Exception {
        Path exe = compressedProgram();
        Path ours = dir.resolve("ours");
        int n = ElfDecompressor.write(ByteReader.map(exe, ByteOrder.LITTLE_ENDIAN), ours);
        Path ref = dir.resolve("ref");
        run(dir, "eu-elfcompress", "-t", "none", "-o", ref.toString(), exe.toString());

        Map<String, byte[]> a = sections(ours), b = sections(ref);
        assertThat(n).isGreaterThanOrEqualTo(3);                 // at least .debug_info, _abbrev, _line
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String name : a.keySet()) assertThat(a.get(name)).as(name).isEqualTo(b.get(name));
        assertThat(Files.size(ours)).isGreaterThan(Files.size(exe));
    }

    @Test void sourceLinesAreThoseOfTheOriginal() throws Exception {
        Path exe = compressedProgram();
        Path ours = dir.resolve("ours");
        ElfDecompressor.write(ByteReader.map(exe, ByteOrder.LITTLE_ENDIAN), ours);
        String nm = run(dir, "nm", exe.toString());
        List<String> addrs = nm.lines().filter(l -> l.matches("[0-9a-f]+ [Tt] (add|main|twice)"))
                .map(l -> "0x" + l.split(" ")[0]).toList();
        assertThat(addrs).hasSize(3);
        String[] cmdA = new String[3 + addrs.size()], cmdB = new String[3 + addrs.size()];
        cmdA[0] = cmdB[0] = "eu-addr2line";
        cmdA[1] = cmdB[1] = "-fe";
        cmdA[2] = exe.toString();
        cmdB[2] = ours.toString();
        for (int i = 0; i < addrs.size(); i++) cmdA[3 + i] = cmdB[3 + i] = addrs.get(i);
        String original = run(dir, cmdA);
        assertThat(original).contains("prog.c:");
        assertThat(run(dir, cmdB)).isEqualTo(original);
    }

    @Test void cacheWritesOnceAndKeepsWhatItCannotImprove() throws Exception {
        Path exe = compressedProgram();
        Path cacheDir = dir.resolve("cache");
        DebugFileCache cache = DebugFileCache.in(cacheDir);

        Path first = cache.substitute(exe);
        assertThat(first).isNotEqualTo(exe).startsWith(cacheDir);
        assertThat(ElfDecompressor.hasCompressedSections(ByteReader.map(first, ByteOrder.LITTLE_ENDIAN))).isFalse();
        // a rewrite would make the file's time now: set it an hour back, and see that it stays there
        FileTime written = FileTime.fromMillis(Files.getLastModifiedTime(first).toMillis() - 3_600_000);
        Files.setLastModifiedTime(first, written);
        assertThat(cache.substitute(exe)).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(first)).isEqualTo(written);
        assertThat(cache.substitute(first)).isEqualTo(first);

        // Nothing compressed, truncated, not ELF, or no cache: the file itself.
        Path plain = dir.resolve("plain");
        run(dir, "cc", "-g", "-o", plain.toString(), dir.resolve("prog.c").toString());
        assertThat(cache.substitute(plain)).isEqualTo(plain);
        Path cut = dir.resolve("cut");
        byte[] bytes = Files.readAllBytes(exe);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(cache.substitute(cut)).isEqualTo(cut);
        Path text = Files.writeString(dir.resolve("text"), "not an ELF file at all, but long enough to be read as one".repeat(4));
        assertThat(cache.substitute(text)).isEqualTo(text);
        assertThat(DebugFileCache.disabled().substitute(exe)).isEqualTo(exe);
        try (var files = Files.list(cacheDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(f -> f.endsWith(".debug"));
        }
    }

    @Test void corruptCompressedDataIsATypedError() throws Exception {
        Path exe = compressedProgram();
        byte[] bytes = Files.readAllBytes(exe);
        ByteReader r = ByteReader.of(bytes, ByteOrder.LITTLE_ENDIAN);
        SectionHeader info = SectionHeader.find(SectionHeader.readAll(r, ElfHeader.read(r)), ".debug_info").orElseThrow();
        for (int i = 24; i < Math.min(info.size(), 64); i++) bytes[(int) (info.offset() + i)] ^= 0x5a;
        assertThatThrownBy(() -> ElfDecompressor.write(ByteReader.of(bytes, ByteOrder.LITTLE_ENDIAN), dir.resolve("out")))
                .isInstanceOf(FormatException.class);
    }
}
