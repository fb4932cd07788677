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

    /**
     * i386 code ({@code gcc -m32 -c}: an object, which needs no 32-bit libc): the header names
     * {@code elf32-i386}, a function's lines are objdump's, and {@code --all-code} lists objdump's
     * instructions (address and mnemonic) of every code section, the .text and the pc thunks.
     */
    @org.junit.jupiter.api.Test
    void i386ObjectIsListedAsObjdumpListsIt() throws Exception {
        Path obj = object("-m32");
        String theirs = Tools.run(dir, 60, List.of("objdump", "-d", "-M", "intel", obj.toString())).stdout();

        StackCommandTest.Run mix = StackCommandTest.run("disasm", obj.toString(), "--symbol", "mix");
        assertThat(mix.exit()).as(mix.err()).isZero();
        assertThat(format(mix.out())).isEqualTo("elf32-i386").isEqualTo(format(theirs));
        assertThat(mix.out()).contains("00000000 <mix>:");
        List<String> ours = instructionLines(mix.out());
        assertThat(ours).as("mix: push, the arithmetic, ret").hasSizeGreaterThan(10)
                .isEqualTo(instructionLines(theirs).subList(0, ours.size()));

        StackCommandTest.Run all = StackCommandTest.run("disasm", obj.toString(), "--all-code");
        assertThat(all.exit()).as(all.err()).isZero();
        List<String> allTheirs = addressAndMnemonic(theirs);
        assertThat(allTheirs).hasSizeGreaterThan(250);
        assertThat(addressAndMnemonic(all.out())).isEqualTo(allTheirs);
        assertThat(all.out()).as("a call's target named").containsPattern("call +[0-9a-f]+ <[a-z_]+\\+0x[0-9a-f]+>");
    }

    /** x32 code ({@code gcc -mx32 -c}): the header names {@code elf32-x86-64}, the function's addresses and mnemonics are objdump's. */
    @org.junit.jupiter.api.Test
    void x32ObjectIsListedAsObjdumpListsIt() throws Exception {
        Path obj = object("-mx32");
        String theirs = Tools.run(dir, 60, List.of("objdump", "-d", "-M", "intel", obj.toString())).stdout();

        StackCommandTest.Run all = StackCommandTest.run("disasm", obj.toString(), "--all-code");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(format(all.out())).isEqualTo("elf32-x86-64").isEqualTo(format(theirs));
        assertThat(addressAndMnemonic(all.out())).hasSizeGreaterThan(200).isEqualTo(addressAndMnemonic(theirs));
    }

    /** x86_code.c compiled (not linked: no 32-bit libc needed) with {@code flag}, {@code -m32} or {@code -mx32}; skips without the tools. */
    private Path object(String flag) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gcc") && Tools.onPath("objdump"), "no gcc or objdump");
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64"), "the host gcc compiles i386 and x32 code only on x86-64");
        Path src = dev.sextant.engine.testing.NativePrograms.source("x86_code", dir);
        Path obj = dir.resolve("x86_code" + flag + ".o");
        Tools.Result built = Tools.run(dir, 120, List.of("gcc", flag, "-O1", "-c", "-o", obj.toString(), src.toString()));
        assertThat(built.exit()).as(built.stderr()).isZero();
        return obj;
    }

    static final Pattern INSN = Pattern.compile("^ *([0-9a-f]+):\t([0-9a-f]{2}(?: [0-9a-f]{2})*) *\t(.*)$", Pattern.MULTILINE);

    /** A listing's instruction lines from the address on (objdump pads the address to the section's width, Sextant to 8). */
    static List<String> instructionLines(String listing) {
        List<String> out = new java.util.ArrayList<>();
        for (Matcher m = INSN.matcher(listing); m.find(); ) out.add(m.group(0).stripLeading());
        return out;
    }

    /** {@code 4d push}: every instruction's address and mnemonic (objdump continues a long one's bytes on a line without one). */
    static List<String> addressAndMnemonic(String listing) {
        List<String> out = new java.util.ArrayList<>();
        for (Matcher m = INSN.matcher(listing); m.find(); ) out.add(m.group(1) + " " + m.group(3).split(" ")[0]);
        return out;
    }

    static String format(String listing) {
        Matcher m = FORMAT.matcher(listing);
        assertThat(m.find()).as("a 'file format' line in\n" + listing).isTrue();
        return m.group(1);
    }
}
