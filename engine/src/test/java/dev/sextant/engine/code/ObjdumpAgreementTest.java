package dev.sextant.engine.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every function of several system libraries, disassembled whole by Sextant (Capstone) and by
 * {@code objdump -d -M intel}: the same instruction boundaries everywhere, and the same mnemonics
 * up to the spelling differences listed in {@link MnemonicSpelling}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ObjdumpAgreementTest {
    @BeforeAll static void tools() {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().get());
        Assumptions.assumeTrue(onPath("objdump"), "objdump (the reference) is not installed");
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    @ParameterizedTest
    @ValueSource(strings = {"libc.so.6", "libm.so.6", "libz.so.1", "libdw.so.1", "libstdc++.so.6"})
    void everyFunctionHasObjdumpsBoundariesAndMnemonics(String name) throws Exception {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu", name);
        Assumptions.assumeTrue(Files.isRegularFile(lib), lib + " is not installed");
        ObjdumpListing theirs = ObjdumpListing.of(lib);
        List<Disassembly> ours = new ArrayList<>();
        int functions;
        try (Disassembler d = new Disassembler()) {
            functions = FileCode.disassembleAllFunctions(lib, d, ours::add);
        }
        assertThat(functions).as("functions with a size in " + name).isGreaterThan(50);
        long instructions = 0;
        List<String> boundaryDiffs = new ArrayList<>();
        Map<String, Integer> spellings = new TreeMap<>();
        for (Disassembly listing : ours) {
            List<Instruction> mine = listing.instructions();
            if (mine.isEmpty()) continue;
            long start = mine.get(0).address().value();
            Instruction last = mine.get(mine.size() - 1);
            long end = last.address().value() + last.length();
            List<ObjdumpListing.Line> ref = theirs.between(start, end);
            for (int i = 0; i < Math.max(mine.size(), ref.size()); i++) {
                Instruction a = i < mine.size() ? mine.get(i) : null;
                ObjdumpListing.Line b = i < ref.size() ? ref.get(i) : null;
                if (a == null || b == null || a.address().value() != b.address() || a.length() != b.size()) {
                    boundaryDiffs.add(name + " " + (a == null ? "-" : a.address() + " " + a.length() + " " + a.mnemonic())
                            + " | objdump " + (b == null ? "-" : Long.toHexString(b.address()) + " " + b.size() + " " + b.mnemonic()));
                    break;      // one per function: the rest of it is shifted
                }
                instructions++;
                if (!MnemonicSpelling.same(a.mnemonic(), b.mnemonic(), b.operands())) {
                    spellings.merge(a.mnemonic() + " | " + b.mnemonic(), 1, Integer::sum);
                }
            }
        }
        System.out.println(name + ": " + functions + " functions, " + instructions + " instructions agree in length; "
                + boundaryDiffs.size() + " boundary differences; unlisted spellings " + spellings);
        assertThat(instructions).isGreaterThan(1000);
        assertThat(boundaryDiffs).as("instruction boundaries that differ from objdump's").isEmpty();
        assertThat(spellings).as("mnemonics that differ from objdump's beyond the listed spellings").isEmpty();
    }
}
