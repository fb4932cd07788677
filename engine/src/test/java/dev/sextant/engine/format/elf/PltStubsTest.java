package dev.sextant.engine.format.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** PLT stub names against objdump's ({@code <puts@plt>:} labels), on a program built here and on the machine's libraries. */
@Timeout(120)
class PltStubsTest {
    @TempDir Path dir;

    /** objdump's labels of the PLT sections: "address name" lines. */
    private List<String> objdump(Path file) throws Exception {
        Tools.Result r = Tools.run(dir, 120, List.of("objdump", "-d", "--section=.plt", "--section=.plt.got", "--section=.plt.sec", file.toString()));
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            var m = java.util.regex.Pattern.compile("^0*([0-9a-f]+) <(.*@plt)>:$").matcher(line);
            if (m.find()) out.add(m.group(1) + " " + m.group(2));
        }
        return out;
    }

    private static List<String> ours(Path file) {
        return PltStubs.ofFile(file).stream().map(s -> Long.toHexString(s.start()) + " " + s.name()).toList();
    }

    @Test void namesEqualObjdumpsOnAProgramAndTheMachinesLibraries() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("objdump"), "objdump (binutils) is not installed");
        Path plt = NativePrograms.compile("plt", dir);
        List<Path> files = new ArrayList<>(List.of(plt));
        // libXxf86vm: an older linker left .plt.got's entry size 0
        Stream.of("libc.so.6", "libstdc++.so.6", "libz.so.1", "libcrypto.so.3", "libgtk-3.so.0", "libXxf86vm.so.1")
                .map(n -> Path.of("/usr/lib/x86_64-linux-gnu", n)).filter(Files::isRegularFile).forEach(files::add);
        int named = 0;
        for (Path f : files) {
            List<String> want = objdump(f);
            assertThat(ours(f)).as(f.toString()).containsExactlyInAnyOrderElementsOf(want);
            named += want.size();
        }
        assertThat(ours(plt)).anyMatch(s -> s.endsWith(" puts@plt"));
        assertThat(named).as("stubs compared").isGreaterThan(files.size() > 2 ? 100 : 1);
    }

    /** Hostile input: the file cut at every 1/16 of its length, and its PLT bytes overwritten: fewer names, never an exception. */
    @Test void aTruncatedOrScribbledFileGivesFewerStubsAndNoError() throws Exception {
        Path plt = NativePrograms.compile("plt", dir);
        byte[] all = Files.readAllBytes(plt);
        for (int i = 1; i < 16; i++) {
            Path cut = Files.write(dir.resolve("cut" + i), java.util.Arrays.copyOf(all, all.length * i / 16));
            assertThat(PltStubs.ofFile(cut)).hasSizeLessThanOrEqualTo(PltStubs.ofFile(plt).size());
            assertThat(PltStubs.ranges(cut)).isNotNull();
        }
        PltStubs.Stub first = PltStubs.ofFile(plt).get(0);
        byte[] scribbled = all.clone();
        // in this small executable a section's file offset equals its address: overwrite from the first stub on
        java.util.Random r = new java.util.Random(3);
        for (int k = 0; k < 4096 && k < scribbled.length; k++) scribbled[(int) ((first.start() + k) % scribbled.length)] = (byte) r.nextInt();
        Path bad = Files.write(dir.resolve("scribbled"), scribbled);
        assertThat(PltStubs.ofFile(bad)).allMatch(s -> s.name().endsWith("@plt"));
    }

    @Test void aFileWithoutAProcedureLinkageTableHasNoStubs() throws Exception {
        Path notElf = Files.writeString(dir.resolve("text"), "not an ELF file");
        assertThat(PltStubs.ofFile(notElf)).isEmpty();
        Path tiny = NativePrograms.compile("plt", dir, "-static");
        assertThat(PltStubs.ofFile(tiny)).allMatch(s -> s.name().startsWith("*ABS*+0x"));   // a static program's IFUNC stubs only
    }
}
