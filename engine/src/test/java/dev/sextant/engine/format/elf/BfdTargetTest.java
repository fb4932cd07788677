package dev.sextant.engine.format.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BfdTarget} against the binutils that name the formats: an object built by each compiler
 * present (the cross ones .ci/run installs, RISC-V, and the 32-bit variants some build with a flag),
 * its name as the matching {@code objdump -f} prints it. Skips where a compiler is missing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BfdTargetTest {
    @TempDir Path dir;

    static final Pattern FORMAT = Pattern.compile("file format (\\S+)");

    /** {@code triple flags...}: the compiler {@code triple-gcc} (the host's {@code gcc} for x86_64) and its flags. */
    @ParameterizedTest
    @ValueSource(strings = {"x86_64-linux-gnu", "x86_64-linux-gnu -m32", "aarch64-linux-gnu", "arm-linux-gnueabihf", "s390x-linux-gnu",
            "powerpc64le-linux-gnu", "powerpc64-linux-gnu", "mips64el-linux-gnuabi64", "mips64el-linux-gnuabi64 -mabi=32",
            "mips64el-linux-gnuabi64 -EB", "mips64el-linux-gnuabi64 -EB -mabi=32",
            "riscv64-linux-gnu", "riscv64-linux-gnu -march=rv32gc -mabi=ilp32d"})
    void namesTheFormatAsObjdump(String build) throws Exception {
        String[] parts = build.split(" ");
        String triple = parts[0];
        String cc = triple.startsWith("x86_64") ? "gcc" : triple + "-gcc";
        String objdump = triple.startsWith("x86_64") ? "objdump" : triple + "-objdump";
        Assumptions.assumeTrue(Tools.onPath(cc) && Tools.onPath(objdump), "no " + cc + " or " + objdump);
        Path src = Files.writeString(dir.resolve("tiny.c"), "int tiny(int x) { return x + 1; }\n");
        Path obj = dir.resolve("tiny.o");
        List<String> cmd = new ArrayList<>(List.of(cc, "-c", "-O1", "-o", obj.toString(), src.toString()));
        cmd.addAll(1, List.of(parts).subList(1, parts.length));
        Tools.Result built = Tools.run(dir, 120, cmd);
        Assumptions.assumeTrue(built.exit() == 0, () -> build + " cannot build here: " + built.stderr());
        Matcher m = FORMAT.matcher(Tools.run(dir, 60, List.of(objdump, "-f", obj.toString())).stdout());
        assertThat(m.find()).isTrue();
        String ours = ElfSections.read(obj, f -> BfdTarget.name(f.header()));
        System.out.println(build + ": " + ours + ", objdump " + m.group(1));
        assertThat(ours).as(build).isEqualTo(m.group(1));
    }
}
