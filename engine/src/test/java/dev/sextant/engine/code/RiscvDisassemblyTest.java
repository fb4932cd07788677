package dev.sextant.engine.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.code.jna.Capstone;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RISC-V code (issue 22 item 4), which Capstone 4 cannot decode, through Sextant's own decoder:
 * riscv_code.c built with Debian's cross compiler (RV64GC linked; RV32GC as an object with main
 * kept in its one {@code .text}, since an object's sections all start at 0) and the cross libc's
 * code, every executable section decoded whole and compared with
 * {@code riscv64-linux-gnu-objdump -d}: every instruction objdump lists is ours at the same address
 * with the same size, and ours are objdump's elsewhere too (but for the zeros objdump elides); the
 * mnemonics and operands as objdump's. Skips where the cross tools are missing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RiscvDisassemblyTest {
    static final String TRIPLE = "riscv64-linux-gnu";
    static final Path CROSS_LIBC = Path.of("/usr/riscv64-linux-gnu/lib/libc.so.6");

    @TempDir Path dir;

    record Line(long address, int size, String mnemonic, String operands) {}

    /** {@code  10434:\t1141                \tadd\tsp,sp,-16}, its operands without objdump's {@code <sym>} and {@code # comment}. */
    static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f]+)\\s*\\t(\\S+)(?:\\t(.*))?$");

    static TreeMap<Long, Line> objdump(Path file) throws Exception {
        Tools.Result r = Tools.run(file.getParent(), 120, List.of(TRIPLE + "-objdump", "-d", file.toString()));
        assertThat(r.exit()).as(r.stderr()).isZero();
        TreeMap<Long, Line> out = new TreeMap<>(Long::compareUnsigned);
        for (String l : r.stdout().split("\n")) {
            Matcher m = LINE.matcher(l);
            if (!m.matches()) continue;
            String ops = m.group(4) == null ? "" : m.group(4);
            int comment = ops.indexOf(" #");
            if (comment >= 0) ops = ops.substring(0, comment);
            int name = ops.indexOf(" <");
            if (name >= 0) ops = ops.substring(0, name);
            String mnemonic = m.group(3).startsWith(".") ? ObjdumpSpelling.BAD : m.group(3);    // .2byte/.4byte/.insn: unknown
            long a = Long.parseUnsignedLong(m.group(1), 16);
            out.put(a, new Line(a, m.group(2).length() / 2, mnemonic, mnemonic.equals(ObjdumpSpelling.BAD) ? "" : ops.strip()));
        }
        return out;
    }

    /** How far Sextant's listing of a file agrees with objdump's. */
    record Agreement(int boundaries, int theirs, int mnemonics, int operands, Map<String, Integer> differences) {
        @Override public String toString() {
            return boundaries + "/" + theirs + " boundaries, " + mnemonics + "/" + theirs + " mnemonics, " + operands + "/" + theirs
                    + " operands as objdump; differences " + differences;
        }
    }

    /** Every executable section of {@code file} decoded by Sextant, against objdump; asserts the boundaries. */
    static Agreement compare(Path file) throws Exception {
        TreeMap<Long, Line> theirs = objdump(file);
        TreeMap<Long, Instruction> ours = new TreeMap<>(Long::compareUnsigned);
        try (Disassembler d = new Disassembler()) {
            FileCode.disassembleAllCode(file, d, (Disassembly l) -> l.instructions().forEach(i -> ours.put(i.address().value(), i)));
        }
        int boundaries = 0, mnemonics = 0, operands = 0;
        Map<String, Integer> differences = new TreeMap<>();
        for (Line t : theirs.values()) {
            Instruction i = ours.get(t.address());
            assertThat(i).as(file + ": objdump's instruction at 0x" + Long.toHexString(t.address()) + " " + t.mnemonic()).isNotNull();
            assertThat(i.length()).as(file + ": size at 0x" + Long.toHexString(t.address()) + " " + t.mnemonic()).isEqualTo(t.size());
            boundaries++;
            if (i.mnemonic().equals(t.mnemonic())) mnemonics++;
            else differences.merge(i.mnemonic() + " ~ " + t.mnemonic(), 1, Integer::sum);
            if (i.mnemonic().equals(t.mnemonic()) && i.operands().equals(t.operands())) operands++;
            else if (i.mnemonic().equals(t.mnemonic())) differences.merge(i.mnemonic() + " operands", 1, Integer::sum);
        }
        for (Instruction i : ours.values()) {
            if (theirs.containsKey(i.address().value())) continue;
            assertThat(i.bytes().replace("0", "").isBlank())      // objdump elides runs of zeros ("...")
                    .as(file + ": Sextant has " + i.mnemonic() + " at " + i.address() + " where objdump has none").isTrue();
        }
        return new Agreement(boundaries, theirs.size(), mnemonics, operands, differences);
    }

    /** riscv_code.c built at -O2 with {@code flags} (after the source: {@code -lm} links). */
    private Path build(String name, String... flags) throws Exception {
        Path src = NativePrograms.source("riscv_code", dir);
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(TRIPLE + "-gcc", "-O2", "-fno-math-errno", "-o", out.toString(), src.toString()));
        cmd.addAll(List.of(flags));
        Tools.Result cc = Tools.run(dir, 120, cmd);
        assertThat(cc.exit()).as(cc.stderr()).isZero();
        return out;
    }

    @Test void rv64ProgramIsDecodedAsObjdumpDecodesIt() throws Exception {
        ObjdumpListing.assumeCrossTools(TRIPLE);
        Path exe = build("riscv_code-rv64", "-g", "-lm");
        Agreement a = compare(exe);
        System.out.println("riscv64 riscv_code: " + a);
        assertThat(a.theirs()).isGreaterThan(200);
        assertThat(a.mnemonics()).as(a.toString()).isEqualTo(a.theirs());
        assertThat(a.operands()).as(a.toString()).isEqualTo(a.theirs());

        List<Instruction> main = new ArrayList<>();
        try (Disassembler d = new Disassembler()) {
            main.addAll(FileCode.disassemble(exe, dev.sextant.engine.api.CodeRange.function("main"), d).instructions());
        }
        assertThat(main).as("main's calls, their targets named")
                .anyMatch(i -> i.mnemonic().equals("jal") && i.targetName().filter(n -> n.equals("mix")).isPresent());
    }

    @Test void rv32ObjectIsDecodedAsObjdumpDecodesIt() throws Exception {
        ObjdumpListing.assumeCrossTools(TRIPLE);
        Path obj = build("riscv_code-rv32.o", "-fno-reorder-functions", "-march=rv32gc", "-mabi=ilp32d", "-c");
        Agreement a = compare(obj);
        System.out.println("riscv32 riscv_code.o: " + a);
        assertThat(a.theirs()).isGreaterThan(150);
        assertThat(a.mnemonics()).as(a.toString()).isEqualTo(a.theirs());
        assertThat(a.operands()).as(a.toString()).isEqualTo(a.theirs());
    }

    @Test void crossLibcIsDecodedAsObjdumpDecodesIt() throws Exception {
        ObjdumpListing.assumeCrossTools(TRIPLE);
        Assumptions.assumeTrue(Files.isRegularFile(CROSS_LIBC), "no " + CROSS_LIBC + " (Debian package libc6-riscv64-cross)");
        Agreement a = compare(CROSS_LIBC);
        System.out.println("riscv64 libc.so.6: " + a);
        assertThat(a.theirs()).isGreaterThan(100_000);
        assertThat(a.mnemonics()).as(a.toString()).isGreaterThanOrEqualTo(a.theirs() - a.theirs() / 1000);
    }

    @Test void unknownEncodingsAreBadOfTheirSizeAndDecodingGoesOn() throws Exception {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().orElse(""));
        byte[] code = {
            0x02, (byte) 0x80,                  // c.jr zero: reserved
            0x7f, 0x00, 0x00, 0x00,             // no such 32-bit major opcode
            0x13, 0x00, 0x00, 0x00,             // addi zero,zero,0: nop
            (byte) 0x82, (byte) 0x80,           // c.jr ra: ret
            0x6f, 0x00, 0x00, 0x00,             // jal zero,0: j to itself
        };
        List<Instruction> out;
        try (Disassembler d = new Disassembler()) {
            out = d.decode(Capstone.Target.RISCV64, code, code.length, 0x1000, 100, CodeSymbols.NONE, a -> java.util.Optional.empty());
        }
        assertThat(out).extracting(Instruction::mnemonic).containsExactly("(bad)", "(bad)", "nop", "ret", "j");
        assertThat(out).extracting(Instruction::length).containsExactly(2, 4, 4, 2, 4);
        assertThat(out.get(4).operands()).isEqualTo("100c");
        assertThat(out.get(4).target()).map(t -> t.value()).contains(0x100cL);
    }
}
