package dev.sextant.engine.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Finds the shared developer corpus ({@code shared/corpus} beside the repository), or skips the test. */
public final class Corpus {
    private Corpus() {}

    public static Optional<Path> root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/corpus");
            if (Files.isDirectory(c)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The corpus file at {@code relative}; skips the calling test when the corpus or the file is absent. */
    public static Path file(String relative) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(), "developer corpus (shared/corpus) not present");
        Path f = root.get().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(f), "corpus file " + relative + " not present");
        return f;
    }
}
