package dev.sextant.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Assumptions;

/** The developer corpus beside the repository ({@code ../shared/corpus}); absent on a fresh clone, so tests skip. */
public final class Corpus {
    private Corpus() {}

    public static Optional<Path> root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/corpus");
            if (Files.isDirectory(c)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** A corpus file, or the test is skipped. */
    public static Path require(String relative) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(), "no ../shared/corpus beside the repository");
        Path f = root.get().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(f), "corpus file missing: " + relative);
        return f;
    }

    /** Decompresses a {@code .bz2} corpus file into {@code dir}. */
    public static Path bunzip(String relative, Path dir) throws IOException {
        Path src = require(relative);
        String name = src.getFileName().toString().replaceFirst("\\.bz2$", "");
        Path out = dir.resolve(name);
        try (InputStream in = new BZip2CompressorInputStream(Files.newInputStream(src));
             OutputStream o = Files.newOutputStream(out)) {
            in.transferTo(o);
        }
        return out;
    }
}
