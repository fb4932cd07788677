package dev.sextant.engine.unwind;

import dev.sextant.engine.api.UnwindListing;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.ChunkedOutput;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.symbols.DebugFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code unwind} listing of a file: ELF {@code .eh_frame} / {@code .debug_frame} with decoded
 * rows, or PE x64 {@code .pdata} with unwind codes, as text or JSON, collected in 64 KiB chunks.
 */
public final class UnwindListings {
    private UnwindListings() {}

    /** Throws {@link FormatException} or {@link IOException} when the file cannot be read. */
    public static UnwindListing write(Path file, Optional<Long> at, boolean json, Consumer<byte[]> sink) throws IOException {
        long t0 = System.nanoTime();
        ChunkedOutput out = new ChunkedOutput(sink);
        List<String> warnings = new ArrayList<>();
        UnwindOutput o = new UnwindOutput(file, json, out);
        long t1 = t0;
        boolean found;
        int damaged = 0;
        if (looksLikePe(file)) {
            found = new PdataListing(PeImage.read(ByteReader.map(file, ByteOrder.LITTLE_ENDIAN)), o).print(at);
        } else {
            // an ELF file is read section by section: a large library is mostly code the listing never reads
            ElfUnwindTables tables = ElfUnwindTables.open(file);
            // A stripped library names only its exported functions: the installed debug file names them all.
            DebugFiles.Names names = DebugFiles.functionNames(file, tables.symbols());
            names.problem().ifPresent(warnings::add);
            if (names.table() != tables.symbols()) tables = tables.withSymbols(names.table());
            tables.sectionHeadersProblem().ifPresent(warnings::add);
            damaged = tables.sectionHeadersProblem().isPresent() ? 1 : 0;
            t1 = System.nanoTime();
            found = new CfiListing(tables, o, names.from()).print(at);
        }
        o.flush();
        out.close();
        return new UnwindListing(warnings, o.badEntries.get() + damaged, found, t1 - t0);
    }

    /** A file that starts with "MZ" (a PE image, or its DOS stub at least). */
    private static boolean looksLikePe(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            return magic.length == 2 && magic[0] == 'M' && magic[1] == 'Z';
        }
    }
}
