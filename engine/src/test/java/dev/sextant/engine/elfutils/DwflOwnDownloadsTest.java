package dev.sextant.engine.elfutils;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.elfutils.jna.DwflModule;
import dev.sextant.engine.testing.SplitDebugProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads are the symbol handler's alone. Sextant's debuginfod client sets {@code DEBUGINFOD_URLS}
 * (and the cache path) in the process's environment for its requests; a libdwfl session of its own
 * (the standard {@code find_debuginfo}, as the variables and source readers use) that misses a
 * debug file afterwards must not ask that server, nor take the file from Sextant's cache behind the
 * handler's back: that download ran on the engine thread without progress or cancel and held the
 * window's events for its length (SymbolsGuiTest saw a module go from deferred to loaded at once).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DwflOwnDownloadsTest {
    @TempDir static Path dir;
    static SplitDebugProgram prog;

    @BeforeAll static void build() throws Exception {
        String missing = SplitDebugProgram.toolsMissing();
        Assumptions.assumeTrue(missing.isEmpty(), missing);
        Assumptions.assumeTrue(Debuginfod.unavailableReason().isEmpty(), "libdebuginfod1 not installed");
        prog = SplitDebugProgram.build(dir);
    }

    @Test void aSessionOfLibdwflsOwnAsksNoServerAfterSextantsClientDid() throws Exception {
        Path log = dir.resolve("requests.log");
        try (SplitDebugProgram.SlowServer server = SplitDebugProgram.serveSlowly(dir, prog.debugFile(), Optional.of(log))) {
            Debuginfod client = new Debuginfod(List.of(server.url()), dir.resolve("cache"), Duration.ofSeconds(20), Duration.ofSeconds(60));
            Debuginfod.Fetch f = client.findDebuginfo(prog.buildId(), (done, total) -> false);
            assertThat(f.file()).as("Sextant's own request: " + f.reason()).isPresent();
            assertThat(Files.readAllLines(log)).hasSize(1);
            // Emptied: a client that took the file from there would not show in the server's log.
            try (var files = Files.walk(dir.resolve("cache"))) {
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir.resolve("cache"))).forEach(p -> p.toFile().delete());
            }

            try (Dwfl d = Dwfl.openCore(prog.core(), Optional.of(prog.exe()), name -> List.of(), Optional.empty(), 0, Optional.empty())) {
                DwflModule exe = d.modules().stream().filter(m -> m.name().endsWith("dupmain")).findFirst()
                        .orElseThrow(() -> new AssertionError("no dupmain in " + d.modules().stream().map(DwflModule::name).toList()));
                assertThat(exe.buildId()).contains(prog.buildId());
                DwflModule.DwarfStatus dwarf = exe.dwarf();
                assertThat(dwarf.dwarf()).as("DWARF of the stripped executable, which only the server holds; " + exe.info()).isFalse();
            }
            assertThat(Files.readAllLines(log)).as("requests the server saw").hasSize(1);
        }
    }
}
