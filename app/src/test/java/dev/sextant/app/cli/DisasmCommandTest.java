package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code sextant disasm FILE}'s header names the file's format as the matching objdump does
 * ({@code file format elf32-littlearm}), for the host's compiler and each cross compiler .ci/run
 * installs. Skips where a compiler is missing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DisasmCommandTest {
    @TempDir Path dir;

    static final Pattern FORMAT = Pattern.compile(":\\s+file format (\\S+)");

    @ParameterizedTest
    @ValueSource(strings = {"x86_64-linux-gnu", "aarch64-linux-gnu", "arm-linux-gnueabihf", "s390x-linux-gnu", "powerpc64le-linux-gnu",
            "powerpc64-linux-gnu", "mips64el-linux-gnuabi64", "riscv64-linux-gnu"})
    void headerNamesTheFormatAsObjdump(String triple) throws Exception {
        String cc = triple.startsWith("x86_64") ? "gcc" : triple + "-gcc";
        String objdump = triple.startsWith("x86_64") ? "objdump" : triple + "-objdump";
        Assumptions.assumeTrue(Tools.onPath(cc) && Tools.onPath(objdump), "no " + cc + " or " + objdump);
        Path src = Files.writeString(dir.resolve("tiny.c"), "int main(void) { return 0; }\n");
        Path exe = dir.resolve("tiny-" + triple);
        Tools.Result built = Tools.run(dir, 120, List.of(cc, "-O1", "-o", exe.toString(), src.toString()));
        assertThat(built.exit()).as(built.stderr()).isZero();
        String theirs = format(Tools.run(dir, 60, List.of(objdump, "-d", exe.toString())).stdout());

        StackCommandTest.Run r = StackCommandTest.run("disasm", exe.toString(), "--symbol", "main");
        assertThat(r.exit()).as(r.err()).isZero();
        String ours = format(r.out());
        System.out.println(triple + ": sextant " + ours + ", objdump " + theirs);
        assertThat(ours).as(triple).isEqualTo(theirs);
    }

    static String format(String listing) {
        Matcher m = FORMAT.matcher(listing);
        assertThat(m.find()).as("a 'file format' line in\n" + listing).isTrue();
        return m.group(1);
    }
}
