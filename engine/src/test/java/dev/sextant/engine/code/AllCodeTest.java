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

    /**
     * libz's code listed in stretches on worker threads, split at function symbols or every 61 bytes
     * wherever that falls (mostly inside an instruction: the stretch after it is decoded again from
     * where the one before ended), is the one run of decoding of each section whole: the same
     * instructions, named alike.
     */
    @Test void stretchesJoinIntoTheOneRunOfEachSection() throws Exception {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().orElse(""));
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1");
        Assumptions.assumeTrue(Files.isRegularFile(lib), lib + " is not installed");
        List<Instruction> whole = new ArrayList<>(), atSymbols = new ArrayList<>(), anywhere = new ArrayList<>();
        int stretches;
        try (Disassembler d = new Disassembler()) {
            WholeFile.list(lib, true, Integer.MAX_VALUE / 4, true, d, (code, s, decoded) -> decoded, (s, decoded) -> whole.addAll(decoded));
            WholeFile.list(lib, true, 512, true, d, (code, s, decoded) -> decoded, (s, decoded) -> atSymbols.addAll(decoded));
            List<Boolean> joined = new ArrayList<>();
            WholeFile.list(lib, true, 61, false, d, (code, s, decoded) -> decoded, (s, decoded) -> {
                anywhere.addAll(decoded);
                joined.add(s.continues());
            });
            stretches = joined.size();
        }
        assertThat(whole).as("libz's instructions").hasSizeGreaterThan(10_000);
        assertThat(stretches).as("stretches of 61 bytes").isGreaterThan(1000);
        assertThat(atSymbols).isEqualTo(whole);
        assertThat(anywhere).isEqualTo(whole);
    }

    /**
     * The text of {@code disasm --all-code} on x86 is written straight from the decoder
     * ({@link X86Lines}: each encoding's spelling made once and remembered, no {@code Instruction} per
     * line): byte for byte the text of the instructions the rest of Sextant decodes, for 64-bit code
     * (libz) and i386 code (the corpus' static glibc), split at function symbols or every 61 bytes.
     */
    @Test void textWrittenStraightIsTheTextOfTheInstructions() throws Exception {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().orElse(""));
        Path libz = Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1");
        Assumptions.assumeTrue(Files.isRegularFile(libz), libz + " is not installed");
        List<Path> files = new ArrayList<>(List.of(libz));
        java.util.Optional<Path> corpus = dev.sextant.engine.testing.Corpus.root();
        corpus.map(r -> r.resolve("elfcore/elfutils/backtrace.i386.exec")).filter(Files::isRegularFile).ifPresent(files::add);
        for (Path lib : files) {
            java.io.ByteArrayOutputStream instructions = new java.io.ByteArrayOutputStream();
            String format = CodeListings.format(lib);
            instructions.writeBytes(ListingFormat.head(false, lib.toString(), format));
            ListingFormat text = new ListingFormat(false, format);
            try (Disassembler d = new Disassembler()) {
                FileCode.disassembleAllCode(lib, d, section -> instructions.writeBytes(text.fragment(section.instructions(), true)));
                for (int piece : new int[] {WholeFile.PIECE, 61}) {
                    java.io.ByteArrayOutputStream straight = new java.io.ByteArrayOutputStream();
                    CodeListings.writeFile(lib, true, false, d, straight::writeBytes, piece, piece != 61);
                    assertThat(straight.toString(java.nio.charset.StandardCharsets.UTF_8)).as(lib + " in stretches of " + piece)
                            .hasSizeGreaterThan(100_000).isEqualTo(instructions.toString(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
    }
}
