package dev.sextant.engine.unwind;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import dev.sextant.engine.testing.FuzzSeeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code sextant unwind} on a whole ELF file: section headers, {@code .eh_frame_hdr}'s search table,
 * {@code .eh_frame} and {@code .debug_frame}, symbols naming the FDEs, every row decoded, as text and
 * as JSON, and a look-up at one address. Input: a compiled test program cut and patched, or raw bytes.
 * Contract: {@link FormatException} (or an I/O error of the scratch file) only.
 */
class UnwindFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("UnwindFuzz", FormatException.class, IOException.class,
            UncheckedIOException.class);

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(FuzzSeeds.executable(), data);
        boolean json = data.length > 0 && (data[0] & 4) != 0;
        Optional<Long> at = data.length > 0 && (data[0] & 8) != 0 ? Optional.of(0x1139L) : Optional.empty();
        CONTRACT.check(file.length, () -> UnwindListings.write(FuzzInputs.asFile(file), at, json, b -> { }));
    }
}
