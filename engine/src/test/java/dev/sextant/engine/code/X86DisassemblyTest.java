package dev.sextant.engine.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.testing.Corpus;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * i386 and x32 code (issue 22 item 4) through the x86-64 path: x86_code.c compiled by the host gcc
 * as objects ({@code -m32}, {@code -mx32}: no multilib libc is needed to compile, only to link),
 * and the i386 glibc code of the corpus' statically linked {@code backtrace.i386.exec}. Every
 * executable section decoded whole and compared with {@code objdump -d -M intel}: every instruction
 * objdump lists is ours at the same address with the same size, ours are objdump's elsewhere too
 * (but for the zeros objdump elides), the mnemonics as objdump's up to {@link MnemonicSpelling} and
 * the operands as objdump's (Capstone's respelled, see {@link ObjdumpOperands}); in the objects
 * every branch target and rip-relative operand objdump names is named (objdump prefers local labels,
 * {@code .L22+0x6}, and another alias, {@code __pthread_create_2_1}, where Sextant names the function).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class X86DisassemblyTest {
    @TempDir Path dir;

    /** How far Sextant's listing of a file agrees with objdump's. */
    record Agreement(int boundaries, int theirs, int mnemonics, int operands, int named, int unnamed, int theirNames,
                     Map<String, Integer> differences) {
        @Override public String toString() {
            return boundaries + "/" + theirs + " boundaries, " + mnemonics + "/" + theirs + " mnemonics, " + operands + "/" + theirs
                    + " operands as objdump, " + named + "/" + theirNames + " target names as objdump's (" + unnamed
                    + " unnamed); differences " + differences;
        }
    }

    /** Every executable section of {@code file} decoded by Sextant, against objdump's sections in order; asserts the boundaries. */
    static Agreement compare(Path file) throws Exception {
        List<ObjdumpListing> theirSections = ObjdumpListing.sections(file);
        List<Disassembly> ourSections = new ArrayList<>();
        try (Disassembler d = new Disassembler()) {
            FileCode.disassembleAllCode(file, d, ourSections::add);
        }
        assertThat(ourSections).as(file + ": code sections, as objdump's").hasSameSizeAs(theirSections);
        int boundaries = 0, theirs = 0, mnemonics = 0, operands = 0, named = 0, unnamed = 0, theirNames = 0;
        Map<String, Integer> differences = new TreeMap<>();
        for (int s = 0; s < theirSections.size(); s++) {
            TreeMap<Long, Instruction> ours = new TreeMap<>(Long::compareUnsigned);
            ourSections.get(s).instructions().forEach(i -> ours.put(i.address().value(), i));
            TreeMap<Long, ObjdumpListing.Line> their = theirSections.get(s).byAddress;
            for (ObjdumpListing.Line t : their.values()) {
                theirs++;
                String where = file + " section " + s + " 0x" + Long.toHexString(t.address()) + " " + t.mnemonic() + " " + t.operands();
                Instruction i = ours.get(t.address());
                assertThat(i).as(where + ": objdump's instruction is ours").isNotNull();
                assertThat(i.length()).as(where + ": size").isEqualTo(t.size());
                boundaries++;
                if (!MnemonicSpelling.same(i.mnemonic(), t.mnemonic(), t.operands())) {
                    differences.merge(i.mnemonic() + " ~ " + t.mnemonic(), 1, Integer::sum);
                    continue;
                }
                mnemonics++;
                if (i.operands().equals(plainOperands(t.operands()))) operands++;
                else if (differences.merge("operands of " + t.mnemonic(), 1, Integer::sum) == 1) {
                    System.out.println("  e.g. " + t.mnemonic() + " " + i.operands() + " | objdump " + t.operands());
                }
                String name = targetName(t.operands());
                if (name != null) {
                    theirNames++;
                    if (i.targetName().filter(name::equals).isPresent()) named++;
                    else if (i.targetName().isEmpty()) unnamed++;
                    else if (differences.merge("target name of " + t.mnemonic(), 1, Integer::sum) == 1) {
                        // objdump also names by local labels (.L22+0x6) and picks another alias (__pthread_create_2_1)
                        System.out.println("  e.g. " + t.mnemonic() + " " + i.symbolicOperands() + " | objdump " + t.operands());
                    }
                }
            }
            for (Instruction i : ours.values()) {
                if (their.containsKey(i.address().value())) continue;
                assertThat(i.bytes().replace("0", "").isBlank())      // objdump elides runs of zeros ("...")
                        .as(file + ": Sextant has " + i.mnemonic() + " at " + i.address() + " where objdump has none").isTrue();
            }
        }
        return new Agreement(boundaries, theirs, mnemonics, operands, named, unnamed, theirNames, differences);
    }

    /** objdump's operands without the target's name ({@code 54 <widen+0x7>}) or the rip-relative comment ({@code # 43 <widen+0xb>}). */
    static String plainOperands(String objdump) {
        String s = objdump;
        int comment = s.indexOf(" #");
        if (comment >= 0) s = s.substring(0, comment);
        int name = s.indexOf(" <");
        if (name >= 0) s = s.substring(0, name);
        return s.strip();
    }

    /** The name objdump gives a direct target or a rip-relative operand's address ({@code widen+0x7}), or null. */
    static String targetName(String objdump) {
        int open = objdump.lastIndexOf(" <");
        return open < 0 || !objdump.endsWith(">") ? null : objdump.substring(open + 2, objdump.length() - 1);
    }

    static void assumeTools() {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().orElse(""));
        Assumptions.assumeTrue(Tools.onPath("objdump"), "objdump (the reference) is not installed");
    }

    /** x86_code.c compiled (not linked) at -O1 with {@code flag}: {@code -m32} or {@code -mx32}. */
    private Path object(String flag) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gcc"), "no gcc");
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64"), "the host gcc compiles x86 code only on x86-64");
        Path src = NativePrograms.source("x86_code", dir);
        Path out = dir.resolve("x86_code" + flag + ".o");
        Tools.Result cc = Tools.run(dir, 120, List.of("gcc", flag, "-O1", "-c", "-o", out.toString(), src.toString()));
        assertThat(cc.exit()).as(cc.stderr()).isZero();
        return out;
    }

    /** x86_code.c as an i386 object ({@code -m32}) and an x32 one ({@code -mx32}). */
    @ParameterizedTest
    @ValueSource(strings = {"-m32", "-mx32"})
    void objectIsDecodedAsObjdumpDecodesIt(String flag) throws Exception {
        assumeTools();
        Agreement a = compare(object(flag));
        System.out.println((flag.equals("-m32") ? "i386" : "x32") + " x86_code.o: " + a);
        assertThat(a.theirs()).isGreaterThan(200);
        assertAllAsObjdump(a);
        assertThat(a.unnamed()).as("targets objdump names and Sextant does not: " + a).isZero();
        assertThat(a.named()).as(a.toString()).isGreaterThan(20);
    }

    static void assertAllAsObjdump(Agreement a) {
        assertThat(a.mnemonics()).as(a.toString()).isEqualTo(a.theirs());
        assertThat(a.operands()).as(a.toString()).isEqualTo(a.theirs());
    }

    /**
     * The same comparison on x86-64 code (the operands' respelling is shared): the host's libz, or the
     * library {@code -Dx86lib=PATH} names (libstdc++, libm and libdw agree as wholly; libc's .text holds
     * AVX-512 mask instructions, {@code kmovq}, that Capstone 4 does not know).
     */
    @Test void x86_64LibraryIsDecodedAsObjdumpDecodesIt() throws Exception {
        assumeTools();
        Path lib = Path.of(System.getProperty("x86lib", "/usr/lib/x86_64-linux-gnu/libz.so.1"));
        Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(lib), lib + " is not installed");
        Agreement a = compare(lib);
        System.out.println("x86-64 " + lib.getFileName() + ": " + a);
        assertThat(a.theirs()).isGreaterThan(10_000);
        assertAllAsObjdump(a);
    }

    @Test void i386StaticGlibcOfTheCorpusIsDecodedAsObjdumpDecodesIt() throws Exception {
        assumeTools();
        Path exe = Corpus.require("elfcore/elfutils/backtrace.i386.exec");
        Agreement a = compare(exe);
        System.out.println("i386 backtrace.i386.exec: " + a);
        assertThat(a.theirs()).isGreaterThan(100_000);
        assertAllAsObjdump(a);
    }
}
