package dev.sextant.engine.unwind;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import dev.sextant.engine.testing.FuzzSeeds;
import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalLong;

/**
 * The CFI evaluator: {@code .eh_frame} and {@code .debug_frame} records (CIEs, FDEs, augmentations,
 * pointer encodings), the CFA programs decoded into rows, and one unwind step per row over made-up
 * registers and memory. Input: a compiled program's {@code .eh_frame} (made at test time) cut and
 * patched, or raw bytes. Contract: {@link FormatException} only; a step fails with a reason or gives
 * the caller's pc and sp.
 */
class CfiFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("CfiFuzz", FormatException.class);
    private static final byte[] BASE = ehFrame();
    private static final TargetMemory MEMORY = (address, length) -> new byte[Math.max(0, Math.min(length, 64))];

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] bytes = FuzzInputs.fileFrom(BASE, data);
        CfiSection.Kind kind = data.length > 0 && (data[0] & 4) != 0 ? CfiSection.Kind.DEBUG_FRAME : CfiSection.Kind.EH_FRAME;
        int addressSize = data.length > 0 && (data[0] & 8) != 0 ? 4 : 8;
        CONTRACT.check(bytes.length, () -> {
            CfiSection s = new CfiSection(ByteReader.of(bytes, 0x2000, ByteOrder.LITTLE_ENDIAN), kind, addressSize,
                    PointerEncoding.Bases.of(0x2000).withText(0x1000).withData(0x4000));
            s.index();
            List<Fde> fdes = s.fdes();
            for (Fde fde : fdes.subList(0, Math.min(fdes.size(), 64))) {
                CONTRACT.check(bytes.length, () -> step(s, fde));
            }
        });
    }

    private static void step(CfiSection s, Fde fde) {
        CfaProgram.Table t = CfaProgram.decode(s, fde);
        for (CfiRow row : t.rows()) {
            CfiStep.Result r = CfiStep.step(row, (int) fde.cie().returnAddressRegister(), reg -> OptionalLong.of(0x7ff0_0000L + 8L * reg), MEMORY);
            if (r instanceof CfiStep.Result.Failed f && f.reason().isBlank()) throw new AssertionError("a failed step without a reason");
        }
        t.rowAt(fde.pcBegin());
    }

    private static byte[] ehFrame() {
        byte[] exe = FuzzSeeds.executable();
        if (exe.length == 0) return exe;
        ElfUnwindTables tables = ElfUnwindTables.read(ByteReader.of(exe, ByteOrder.LITTLE_ENDIAN));
        return tables.table(CfiSection.Kind.EH_FRAME).map(s -> s.data().bytes("eh_frame", 0, s.data().size())).orElse(new byte[0]);
    }
}
