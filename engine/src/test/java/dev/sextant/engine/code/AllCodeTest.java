package dev.sextant.engine.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code disasm --all-code} (the disassembly benchmark's input): every executable section decoded
 * whole, as {@code objdump -d -M intel} decodes it: every instruction objdump lists is one of ours,
 * at the same address, with the same size.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AllCodeTest {
    @Test void everyObjdumpInstructionOfLibzIsOurs() throws Exception {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().orElse(""));
        Assumptions.assumeTrue(ObjdumpAgreementTest.onPath("objdump"), "objdump (the reference) is not installed");
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1");
        Assumptions.assumeTrue(Files.isRegularFile(lib), lib + " is not installed");
        List<Disassembly> ours = new ArrayList<>();
        int sections;
        try (Disassembler d = new Disassembler()) {
            sections = FileCode.disassembleAllCode(lib, d, ours::add);
        }
        assertThat(sections).as("code sections (.init, .plt, .text, .fini...)").isGreaterThanOrEqualTo(3);
        Map<Long, Instruction> byAddress = new HashMap<>();
        for (Disassembly l : ours) for (Instruction i : l.instructions()) byAddress.put(i.address().value(), i);
        List<ObjdumpListing.Line> theirs = ObjdumpListing.of(lib).between(0, Long.MAX_VALUE);
        assertThat(theirs).hasSizeGreaterThan(1000);
        for (ObjdumpListing.Line t : theirs) {
            Instruction i = byAddress.get(t.address());
            assertThat(i).as("objdump's instruction at 0x" + Long.toHexString(t.address()) + " " + t.mnemonic()).isNotNull();
            assertThat(i.length()).as("size at 0x" + Long.toHexString(t.address())).isEqualTo(t.size());
        }
    }
}
