package dev.sextant.engine.unwind;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.stream.Stream;

/** Runs reference tools (readelf, objdump) through {@link Tools} and finds test inputs on the machine. */
final class ToolRunner {
    private ToolRunner() {}

    static boolean onPath(String tool) { return Tools.onPath(tool); }

    /** Runs a command and returns its standard output (read as ISO-8859-1: any byte is a char); stderr is dropped. */
    static String run(String... cmd) {
        try {
            return Tools.run(Path.of("").toAbsolutePath(), 120, Map.of(), StandardCharsets.ISO_8859_1, List.of(cmd)).stdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The shared corpus beside the repository root, when present. */
    static Optional<Path> corpus() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/corpus");
            if (Files.isDirectory(c)) return Optional.of(c);
        }
        return Optional.empty();
    }

    static boolean isElf(Path p) {
        try (var in = Files.newInputStream(p)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** A deterministic sample of {@code n} regular ELF shared libraries from the system library dir, plus libc. */
    static List<Path> sampleLibraries(int n) {
        Path dir = Path.of("/usr/lib/x86_64-linux-gnu");
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.getFileName().toString().contains(".so"))
                    .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(ToolRunner::isElf).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        if (!all.isEmpty()) {
            for (int i = 0; i < n; i++) {
                Path p = all.get((int) ((long) i * all.size() / n));
                if (!out.contains(p)) out.add(p);
            }
        }
        Path libc = dir.resolve("libc.so.6");
        if (Files.exists(libc)) {
            Path real = libc;
            try { real = libc.toRealPath(); } catch (IOException ignored) { }
            if (!out.contains(real)) out.add(real);
        }
        return out;
    }
}
