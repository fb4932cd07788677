package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The binder against {@code ldd -r} on real files of this machine: for a deterministic sample of
 * executables in /usr/bin and libraries in /usr/lib/x86_64-linux-gnu, each needed library resolves
 * to the same file and the same symbols come out undefined. Files are given by their real path to
 * both tools: ldd runs ld.so on the path it is given, so for a symlinked executable its
 * {@code $ORIGIN} is the link's directory, while a real run's is the target's (as Sextant's).
 */
class BinderLddTest {
    static final int SAMPLE = 30;
    static Binder binder;

    @BeforeAll static void setUp() {
        assumeTrue(Toolchain.has("ldd"), "needs ldd");
        binder = new Binder();
    }

    static Stream<Path> executables() throws IOException {
        return sample(Path.of("/usr/bin"), false);
    }

    static Stream<Path> libraries() throws IOException {
        return sample(Path.of("/usr/lib/x86_64-linux-gnu"), true);
    }

    /** Every k-th ELF file of a directory in name order, by real path, so the sample is stable. */
    static Stream<Path> sample(Path dir, boolean sharedOnly) throws IOException {
        if (!Files.isDirectory(dir)) return Stream.empty();
        TreeSet<Path> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (sharedOnly && !n.contains(".so")) continue;
                if (!Files.isRegularFile(p) || !isElf(p, sharedOnly)) continue;
                files.add(p.toRealPath());
            }
        }
        List<Path> all = new ArrayList<>(files);
        List<Path> out = new ArrayList<>();
        int step = Math.max(1, all.size() / SAMPLE);
        for (int i = step / 2; i < all.size() && out.size() < SAMPLE; i += step) out.add(all.get(i));
        return out.stream();
    }

    static boolean isElf(Path p, boolean dynOnly) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] h = in.readNBytes(18);
            return h.length == 18 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' && h[4] == 2
                    && (!dynOnly || h[16] == 3) && (h[16] == 2 || h[16] == 3);
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executables")
    @Timeout(60)
    void executableMatchesLdd(Path file) throws Exception {
        compare(file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    @Timeout(60)
    void libraryMatchesLdd(Path file) throws Exception {
        compare(file);
    }

    private void compare(Path file) throws Exception {
        Toolchain.Ldd ref = Toolchain.ldd(file, Map.of());
        assumeTrue(!ref.raw().contains("not a dynamic executable") && !ref.raw().contains("statically linked"),
                "static file: nothing to bind");
        BindResult r = binder.bind(file, SearchPath.system(), Optional.empty(), EnumSet.of(BindFlag.ALL_IMAGES),
                BindStatusRoutine.CONTINUE);
        Toolchain.Ldd ours = Toolchain.fromResult(r);
        assertThat(ours.libraries()).as("libraries of %s (ldd said:%n%s)", file, ref.raw()).isEqualTo(ref.libraries());
        assertThat(ours.undefined()).as("undefined symbols of %s", file).isEqualTo(ref.undefined());
    }
}
