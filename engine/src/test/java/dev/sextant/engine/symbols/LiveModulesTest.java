package dev.sextant.engine.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.ModuleSymbols;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.testing.NativePrograms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live process's modules are its mapped ELF images, as /proc/PID/maps and the files' own headers
 * tell: not every mapped file (libdwfl reports locale files and caches as modules too, as
 * {@code eu-unstrip -n -p} lists them).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveModulesTest {
    @TempDir Path dir;

    @Test void onlyMappedElfImagesAreModules() throws Exception {
        Path exe = NativePrograms.compile("locale", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe);
             SymbolHandler h = new SymbolHandler(SymbolPath.parse("own", Map.of()), Set.of(SymbolOption.DEFERRED_LOADS))) {
            Set<String> mapped = new TreeSet<>(), images = new TreeSet<>();
            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/maps"))) {
                String[] f = line.trim().split("\\s+", 6);
                if (f.length < 6 || !f[5].startsWith("/")) continue;
                mapped.add(f[5]);
                if (isElf(Path.of(f[5]))) images.add(f[5]);
            }
            Assumptions.assumeTrue(mapped.size() > images.size(), "no file but ELF images mapped (no C.UTF-8 locale here?): " + mapped);

            Set<String> modules = new TreeSet<>();
            for (ModuleSymbols m : h.openProcess(p.pid())) if (m.name().startsWith("/")) modules.add(m.name());

            assertThat(modules).isEqualTo(images).contains(exe.toRealPath().toString());
            assertThat(modules).noneMatch(n -> n.contains("/locale/"));
        }
    }

    private static boolean isElf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        }
    }
}
