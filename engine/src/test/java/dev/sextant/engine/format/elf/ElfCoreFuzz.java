package dev.sextant.engine.format.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import dev.sextant.engine.testing.FuzzSeeds;
import java.nio.ByteOrder;

/**
 * ELF headers, program headers and core notes ({@code NT_PRSTATUS}, {@code NT_PRPSINFO},
 * {@code NT_SIGINFO}, {@code NT_FILE}, {@code NT_AUXV}, build-id notes) over raw bytes and over a
 * real core's head (made at test time) cut and patched. Contract: {@link FormatException} only.
 * Fuzzes for a bounded time in the build's "fuzz" run; {@code bench/fuzz.sh} runs it longer.
 */
class ElfCoreFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("ElfCoreFuzz", FormatException.class);

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(FuzzSeeds.coreHead(), data);
        CONTRACT.check(file.length, () -> {
            CoreFile core = CoreFile.read(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN));
            for (CoreFile.PrStatus t : core.threads()) if (t.regs() == null) throw new AssertionError("thread without registers");
            core.header().typeName();
            PrStatusLayout.of(core.header());
        });
        CONTRACT.check(file.length, () -> BuildId.of(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN)));
    }
}
