package dev.sextant.engine.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.testing.ForeignCores;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Code of other architectures (issue 22 item 4): foreign_crash.c built with Debian's cross compilers,
 * every function with a size disassembled by Sextant (Capstone's back end for the file's
 * {@code e_machine}) and by the cross binutils' {@code objdump -d}: the same instruction boundaries
 * everywhere and the same mnemonics up to {@link #ALIASES}. RISC-V, which Capstone 4 lacks, has
 * its own test ({@link RiscvDisassemblyTest}). Skips where a cross compiler is missing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ForeignDisassemblyTest {
    @TempDir Path dir;

    /** Mnemonics Capstone 4 and GNU objdump write differently for the same instruction (Capstone's → objdump's). */
    static final Map<String, String> ALIASES = Map.of("movz", "mov");

    record Line(long address, String mnemonic) {}

    static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t(?:[0-9a-f ]+\\t)?(\\S+)");

    /** objdump's instructions by address (functions of .text only). */
    static Map<Long, Line> objdump(String triple, Path exe) throws Exception {
        Tools.Result r = Tools.run(exe.getParent(), 120, List.of(triple + "-objdump", "-d", "-j", ".text", exe.toString()));
        assertThat(r.exit()).as(r.stderr()).isZero();
        Map<Long, Line> out = new TreeMap<>();
        for (String l : r.stdout().split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.find()) {
                long a = Long.parseUnsignedLong(m.group(1), 16);
                out.put(a, new Line(a, m.group(2)));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"aarch64", "arm", "s390x", "ppc64le", "ppc64", "mips64el"})
    void functionsHaveObjdumpsBoundariesAndMnemonics(String arch) throws Exception {
        String triple = ForeignCores.ARCHES.get(arch).get(0);
        ObjdumpListing.assumeCrossTools(triple);
        Path src = NativePrograms.source("foreign_crash", dir);
        Path exe = dir.resolve("code-" + arch);
        List<String> flags = new ArrayList<>(List.of(triple + "-gcc", "-g", "-O1", "-pthread", "-o", exe.toString(), src.toString()));
        if (arch.equals("arm")) flags.add(1, "-mthumb");             // Debian's armhf default: Thumb-2 code
        Tools.Result cc = Tools.run(dir, 120, flags);
        assertThat(cc.exit()).as(cc.stderr()).isZero();
        Map<Long, Line> theirs = objdump(triple, exe);

        List<Disassembly> ours = new ArrayList<>();
        try (Disassembler d = new Disassembler()) {
            FileCode.disassembleAllFunctions(exe, d, ours::add);
        }
        int compared = 0, same = 0;
        Map<String, Integer> differences = new LinkedHashMap<>();
        for (Disassembly listing : ours) {
            for (Instruction i : listing.instructions()) {
                Line ref = theirs.get(i.address().value());
                if (ref != null && ref.mnemonic().startsWith(".")) {
                    // objdump: data in code. ARM, AArch64: a $d range (a literal pool), data in Sextant's listing
                    // too (MappingSymbolsTest). ppc64: a traceback table after a function's code (.long), which is not.
                    if (!arch.equals("arm") && !arch.equals("aarch64")) break;
                    assertThat(i.isData()).as(arch + " " + i.address() + ": data, as objdump (" + i.mnemonic() + ")").isTrue();
                    continue;
                }
                boolean zeros = i.bytes().replace("0", "").isBlank();          // objdump elides runs of zeros ("...")
                if (ref == null && !zeros && !theirs.isEmpty() && i.address().value() < ((TreeMap<Long, Line>) theirs).lastKey()
                        && i.address().value() > ((TreeMap<Long, Line>) theirs).firstKey()) {
                    throw new AssertionError(arch + ": Sextant has an instruction at " + i.address() + " (" + i.mnemonic()
                            + ") where objdump has none (listing " + i.location().orElse("?") + ")");
                }
                if (ref == null) continue;          // outside .text (.init, .fini)
                compared++;
                String m = ALIASES.getOrDefault(i.mnemonic(), i.mnemonic());
                if (m.equals(ref.mnemonic())) same++;
                else differences.merge(i.mnemonic() + " ~ " + ref.mnemonic(), 1, Integer::sum);
                // no objdump instruction starts inside this one
                assertThat(((TreeMap<Long, Line>) theirs).subMap(i.address().value() + 1, i.address().value() + i.length()))
                        .as(arch + " " + i.address() + " " + i.mnemonic() + ": objdump starts an instruction inside it").isEmpty();
            }
        }
        System.out.println(arch + ": " + same + "/" + compared + " mnemonics as objdump; differences " + differences);
        assertThat(compared).as(arch + " instructions compared").isGreaterThan(30);
        assertThat(same).as(arch + " mnemonics as objdump, differences " + differences).isGreaterThanOrEqualTo(compared * 9 / 10);
        boolean named = ours.stream().flatMap(l -> l.instructions().stream())
                .anyMatch(i -> i.targetName().filter(n -> n.equals("middle") || n.equals("leaf")).isPresent());
        assertThat(named).as(arch + ": a call to middle/leaf is named").isTrue();
    }
}
