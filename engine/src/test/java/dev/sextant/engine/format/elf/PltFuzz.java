package dev.sextant.engine.format.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import dev.sextant.engine.testing.FuzzSeeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * PLT decoding ({@code .plt}, {@code .plt.sec}, {@code .plt.got} stubs named from their relocations)
 * over a program that calls through the PLT, compiled at test time, cut and patched; or raw bytes.
 * Every stub found has a name.
 */
class PltFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("PltFuzz", FormatException.class, IOException.class,
            UncheckedIOException.class);

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(FuzzSeeds.pltProgram(), data);
        CONTRACT.check(file.length, () -> {
            Path p = FuzzInputs.asFile(file);
            for (PltStubs.Stub s : ElfSections.read(p, PltStubs::read)) {
                if (s.name() == null || s.name().isEmpty()) throw new AssertionError("stub " + s);
            }
            long[] ranges = PltStubs.ranges(p);
            if (ranges.length % 2 != 0) throw new AssertionError("odd ranges");
        });
    }
}
