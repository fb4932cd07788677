package dev.sextant.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.testing.LoopbackProbe;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source file fetched from a real debuginfod server ({@code /buildid/ID/source/PATH}) on
 * 127.0.0.1 inside a private network namespace, by a child JVM ({@link SourceProbe}) in a private
 * mount namespace where the source tree is hidden, so that only the server has it. The path has a
 * space (the URL must carry it encoded); a slow look-alike server records the raw request paths and
 * lets a cancel land mid-download; a hostile path is refused before any server is asked.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SourceDebuginfodTest {
    @TempDir static Path dir;
    static Map<String, List<String>> scenarios = Map.of();
    static Path src;
    static String buildId;
    static String serverLog, slowLog;

    @BeforeAll static void runProbe() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("debuginfod"), "debuginfod server not installed (apt-get install debuginfod)");
        Assumptions.assumeTrue(Debuginfod.unavailableReason().isEmpty(), "libdebuginfod1 not installed");
        LoopbackProbe.assumePermitted(dir, "unshare", "-m", "true");

        Path srcDir = Files.createDirectories(dir.resolve("build/src dir"));
        src = NativePrograms.source("srcview", srcDir);
        Path exe = dir.resolve("build/srcview");
        Tools.Result cc = Tools.run(dir, 120, List.of("cc", "-g", "-O0", "-o", exe.toString(), src.toString()));
        if (cc.exit() != 0) throw new IllegalStateException("cc: " + cc.stderr());
        buildId = BuildId.ofFile(exe).orElseThrow();
        Path core = NativePrograms.coreOf(exe, dir);
        Path big = dir.resolve("big.c");
        Files.writeString(big, "/* a big generated source */\n".repeat(80_000));
        Path slowPy = LoopbackProbe.resource(dir, "/debuginfod/throttle.py");
        String url = "http://127.0.0.1:8012/buildid/" + buildId + "/source" + src.toString().replace(" ", "%20");
        String java = ProcessHandle.current().info().command().orElse("java");
        scenarios = LoopbackProbe.run(dir, List.of(
                "set -u",
                "ip link set lo up",
                "debuginfod -d '" + dir.resolve("db.sqlite") + "' -p 8012 -F -t0 -g0 '" + dir.resolve("build") + "' > '" + dir.resolve("server.log") + "' 2>&1 &",
                "srv=$!",
                "python3 '" + slowPy + "' 8013 '" + big + "' --source --log '" + dir.resolve("slow.log") + "' &",
                "slow=$!",
                "ok=0; for i in $(seq 1 150); do curl -sf -o /dev/null '" + url + "' && { ok=1; break; }; sleep 0.2; done",
                "[ $ok = 1 ] || { echo 'SERVER-NOT-READY'; cat '" + dir.resolve("server.log") + "'; kill $srv $slow; exit 3; }",
                // Only the servers see the source from here on: the client's mount namespace hides it.
                "unshare -m bash -c \"mount -t tmpfs none '" + srcDir + "' && env -u DEBUGINFOD_URLS timeout 150 " + java
                        + " -cp '" + System.getProperty("java.class.path") + "' " + SourceProbe.class.getName() + " '" + core + "' '" + exe
                        + "' http://127.0.0.1:8012 http://127.0.0.1:8013 '" + dir.resolve("cache") + "'\"",
                "rc=$?",
                "kill $srv $slow",
                "wait",
                "exit $rc"), "source-debuginfod-probe");
        serverLog = Files.readString(dir.resolve("server.log"));
        slowLog = Files.exists(dir.resolve("slow.log")) ? Files.readString(dir.resolve("slow.log")) : "";
    }

    static String result(String scenario) {
        return scenarios.get(scenario).stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    }

    static String sha(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test void theSourceComesFromTheServerIntoTheCacheWithTheRealFilesText() throws Exception {
        assertThat(scenarios.get("found")).contains("FILE " + src + ":" + NativePrograms.line("srcview", "crash"));
        String r = result("found");
        assertThat(r).startsWith("RESULT FOUND how=debuginfod http://127.0.0.1:8012/buildid/" + buildId + "/source");
        assertThat(r).contains("location=" + dir.resolve("cache") + "/");
        assertThat(r).endsWith("sha=" + sha(Files.readString(src)));
        // The server was asked for the path as the DWARF names it, its space carried encoded in the URL.
        assertThat(serverLog).contains("GET /buildid/" + buildId + "/source" + src + " 200");
    }

    @Test void aSecondLookIsAnsweredFromTheCache() throws Exception {
        assertThat(result("cached")).startsWith("RESULT FOUND how=debuginfod").endsWith("sha=" + sha(Files.readString(src)));
    }

    @Test void theUrlCarriesThePathPercentEncodedAndNothingElse() {
        // (Other lines are the symbol handler asking the same server for libraries' debuginfo.)
        assertThat(slowLog.lines().filter(l -> l.contains("/source")).toList()).singleElement().isEqualTo(
                "/buildid/" + buildId + "/source" + src.toString().replace(" ", "%20"));
    }

    @Test void aHostilePathIsRefusedBeforeAnyServerIsAsked() {
        assertThat(result("hostile")).isEqualTo("RESULT NOT-FOUND");
        assertThat(scenarios.get("hostile")).anySatisfy(l -> assertThat(l).startsWith("LOOKED debuginfod: refused to ask for it"));
        assertThat(serverLog).doesNotContain("passwd");
    }

    @Test void aCancelStopsTheDownloadMidTransferAndARetryThenSucceeds() throws Exception {
        assertThat(result("cancel")).startsWith("RESULT FAILED CancellationException");
        long elapsed = Long.parseLong(scenarios.get("cancel").stream().filter(l -> l.startsWith("ELAPSED ")).findFirst().orElseThrow().substring(8));
        assertThat(elapsed).as("2.3 MB at 16 KiB per 40 ms take 6 s; the cancel must end it early").isLessThan(4000);
        assertThat(scenarios.get("cancel")).anySatisfy(l -> assertThat(l).matches("PROGRESS [1-9][0-9]*"));
        assertThat(result("after-cancel")).startsWith("RESULT FOUND how=debuginfod http://127.0.0.1:8012").endsWith("sha=" + sha(Files.readString(src)));
    }
}
