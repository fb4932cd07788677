package dev.sextant.engine.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.testing.ForeignCores;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22: data in ARM and AArch64 code. native/mapping.c built with the cross compiler at -O1 (ARM
 * and Thumb functions with literal pools, a Thumb {@code tbb} table, a hand-written pool ending in a
 * {@code .short}), every code section decoded whole by Sextant and by the cross {@code objdump -d -z}:
 * every {@code $d} range is data with objdump's values, every instruction starts where objdump's does
 * with its size (so the ARM/Thumb switches at {@code $a}/{@code $t} are objdump's), and no mapping
 * symbol names an address. Skips where a cross compiler is missing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MappingSymbolsTest {
    @TempDir Path dir;

    /** One line of objdump's listing: {@code thumb} when its bytes are written in 16-bit groups ({@code f7ff efb0}). */
    record Line(long address, int size, String mnemonic, String operand, boolean thumb) {
        boolean data() { return mnemonic.equals(".word") || mnemonic.equals(".short") || mnemonic.equals(".byte"); }
    }

    static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?) *\\t(\\S+)\\s*(\\S*)");

    static Map<Long, Line> objdump(String triple, Path exe) throws Exception {
        Tools.Result r = Tools.run(exe.getParent(), 120, List.of(triple + "-objdump", "-d", "-z", exe.toString()));
        assertThat(r.exit()).as(r.stderr()).isZero();
        Map<Long, Line> out = new TreeMap<>();
        for (String l : r.stdout().split("\n")) {
            Matcher m = LINE.matcher(l);
            if (!m.find()) continue;
            String[] groups = m.group(2).strip().split(" ");
            int size = 0;
            for (String g : groups) size += g.length() / 2;
            long a = Long.parseUnsignedLong(m.group(1), 16);
            out.put(a, new Line(a, size, m.group(3), m.group(4), groups[0].length() == 4));
        }
        return out;
    }

    Path build(String arch) throws Exception {
        String triple = ForeignCores.ARCHES.get(arch).get(0);
        ObjdumpListing.assumeCrossTools(triple);
        Path src = NativePrograms.source("mapping", dir);
        Path exe = dir.resolve("mapping-" + arch);
        Tools.Result cc = Tools.run(dir, 120, List.of(triple + "-gcc", "-O1", "-o", exe.toString(), src.toString()));
        assertThat(cc.exit()).as(cc.stderr()).isZero();
        Tools.Result syms = Tools.run(dir, 60, List.of(triple + "-readelf", "-sW", exe.toString()));
        assertThat(syms.stdout()).as("the file has $d mapping symbols").containsPattern("NOTYPE +LOCAL +DEFAULT +\\d+ \\$d");
        return exe;
    }

    @ParameterizedTest
    @ValueSource(strings = {"arm", "aarch64"})
    void dataInCodeAndInstructionBoundariesAreObjdumps(String arch) throws Exception {
        Path exe = build(arch);
        Map<Long, Line> theirs = objdump(ForeignCores.ARCHES.get(arch).get(0), exe);
        List<Disassembly> ours = new ArrayList<>();
        try (Disassembler d = new Disassembler()) {
            FileCode.disassembleAllCode(exe, d, ours::add);
        }
        Map<Long, Instruction> byAddress = new TreeMap<>();
        for (Disassembly l : ours) for (Instruction i : l.instructions()) byAddress.put(i.address().value(), i);

        int words = 0, data = 0, boundaries = 0, switches = 0;
        Boolean lastThumb = null;
        for (Line t : theirs.values()) {
            Instruction i = byAddress.get(t.address());
            String at = arch + " 0x" + Long.toHexString(t.address()) + " " + t.mnemonic() + " " + t.operand();
            assertThat(i).as(at + ": Sextant has nothing starting here").isNotNull();
            assertThat(i.length()).as(at + ": size").isEqualTo(t.size());
            assertThat(i.isData()).as(at + ": data in Sextant's listing (" + i.mnemonic() + " " + i.operands() + ")").isEqualTo(t.data());
            boundaries++;
            if (t.data()) {
                assertThat(i.mnemonic() + " " + i.operands()).as(at).isEqualTo(t.mnemonic() + " " + t.operand());
                data++;
                if (t.mnemonic().equals(".word")) words++;
            } else {
                if (lastThumb != null && lastThumb != t.thumb()) switches++;
                lastThumb = t.thumb();
            }
        }
        int oursInObjdumpsRanges = 0;
        long first = ((TreeMap<Long, Line>) theirs).firstKey(), last = ((TreeMap<Long, Line>) theirs).lastKey();
        for (Instruction i : byAddress.values()) {
            long a = i.address().value();
            if (a < first || a > last) continue;
            assertThat(theirs).as(arch + ": Sextant's " + i.mnemonic() + " at " + i.address() + " starts where objdump starts nothing").containsKey(a);
            oursInObjdumpsRanges++;
            assertThat(i.location().orElse("")).as(arch + " " + i.address() + ": a mapping symbol is no name").doesNotStartWith("$");
        }
        System.out.println(arch + ": " + words + " .word and " + (data - words) + " .short/.byte entries as objdump's; boundaries equal "
                + boundaries + "/" + theirs.size() + " (Sextant " + oursInObjdumpsRanges + "), ARM/Thumb switches " + switches);
        assertThat(oursInObjdumpsRanges).isEqualTo(boundaries);
        assertThat(words).as(arch + " .word entries").isGreaterThanOrEqualTo(arch.equals("arm") ? 8 : 1);
        assertThat(data - words).as(arch + " .short/.byte tails").isGreaterThanOrEqualTo(arch.equals("arm") ? 3 : 1);
        if (arch.equals("arm")) assertThat(switches).as("ARM/Thumb switches").isGreaterThanOrEqualTo(4);
    }

    static final Pattern FUNCTION = Pattern.compile("(?m)^([0-9a-f]+) <(\\w+)>:$");

    /** Every function of mapping.c starts where objdump says, under its name (a Thumb symbol's value is its start + 1). */
    @ParameterizedTest
    @ValueSource(strings = {"arm", "aarch64"})
    void functionsAreNamedAtTheirStarts(String arch) throws Exception {
        Path exe = build(arch);
        String triple = ForeignCores.ARCHES.get(arch).get(0);
        Tools.Result r = Tools.run(dir, 120, List.of(triple + "-objdump", "-d", "-j", ".text", exe.toString()));
        List<Disassembly> ours = new ArrayList<>();
        try (Disassembler d = new Disassembler()) {
            FileCode.disassembleAllCode(exe, d, ours::add);
        }
        Map<Long, Instruction> byAddress = new TreeMap<>();
        for (Disassembly l : ours) for (Instruction i : l.instructions()) byAddress.put(i.address().value(), i);
        int named = 0;
        for (Matcher m = FUNCTION.matcher(r.stdout()); m.find(); ) {
            String name = m.group(2);
            if (!List.of("arm_pool", "thumb_pool", "thumb_switch", "hand_pool", "hand_thumb", "main").contains(name)) continue;
            Instruction i = byAddress.get(Long.parseUnsignedLong(m.group(1), 16));
            assertThat(i).as(arch + " " + name).isNotNull();
            assertThat(i.location()).as(arch + " " + name).contains(name);
            named++;
        }
        assertThat(named).as(arch + " functions of mapping.c").isEqualTo(arch.equals("arm") ? 6 : 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"arm", "aarch64"})
    void aFunctionListingEndsInItsPool(String arch) throws Exception {
        Path exe = build(arch);
        try (Disassembler d = new Disassembler()) {
            Disassembly hand = FileCode.disassemble(exe, new CodeRange("hand_pool", OptionalInt.empty(), Optional.empty()), d);
            List<String> tail = hand.instructions().stream().filter(Instruction::isData).map(i -> i.mnemonic() + " " + i.operands()).toList();
            assertThat(tail).startsWith(".word 0xdeadbeef", ".short 0x1234");
            assertThat(hand.instructions().get(0).location()).contains("hand_pool");
            assertThat(hand.instructions().get(2).location()).contains("hand_pool+0x8");
        }
    }
}
