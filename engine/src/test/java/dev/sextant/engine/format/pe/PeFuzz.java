package dev.sextant.engine.format.pe;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import dev.sextant.engine.testing.FuzzSeeds;
import dev.sextant.engine.unwind.UnwindListings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * PE images: headers, sections, exports, imports (plain, delay-load, bound) and the x64 {@code .pdata}
 * unwind listing of {@code sextant unwind}, over a mingw-compiled program (made at test time) cut and
 * patched, or raw bytes. Contract: {@link FormatException} only (I/O errors of the scratch file aside).
 */
class PeFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("PeFuzz", FormatException.class, IOException.class,
            UncheckedIOException.class);

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(FuzzSeeds.pe(), data);
        CONTRACT.check(file.length, () -> {
            PeImage pe = PeImage.read(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN));
            CONTRACT.check(file.length, () -> PeExports.read(pe).names());
            CONTRACT.check(file.length, () -> PeImports.read(pe));
            CONTRACT.check(file.length, () -> PeImports.readDelay(pe));
            CONTRACT.check(file.length, () -> PeImports.readBound(pe));
        });
        if (file.length > 1 && file[0] == 'M' && file[1] == 'Z') {
            CONTRACT.check(file.length, () -> UnwindListings.write(FuzzInputs.asFile(file), Optional.empty(), true, b -> { }));
        }
    }
}
