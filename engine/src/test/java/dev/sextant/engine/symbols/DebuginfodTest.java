package dev.sextant.engine.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.testing.LoopbackProbe;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * A real debuginfod server serving the DWARF split off a test program, reachable only inside a
 * private network namespace ({@code unshare -n}, loopback up) where the client, a child JVM
 * running {@link DebuginfodProbe}, runs too, with a throttled server (throttle.py) for the cancel.
 * One run covers: cancel mid-download, the engine
 * staying responsive, retry with progress and file:line in the stacks, a cache hit without a
 * download, an unreachable server, a server sending garbage and an unusable cache directory.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DebuginfodTest {
    @TempDir static Path dir;
    static Map<String, List<String>> scenarios = Map.of();
    static String buildId;

    @BeforeAll static void runProbe() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("debuginfod"), "debuginfod server not installed (apt-get install debuginfod)");
        Assumptions.assumeTrue(Debuginfod.unavailableReason().isEmpty(), "libdebuginfod1 not installed");
        LoopbackProbe.assumePermitted(dir);

        // A program with many functions, so that its debug file is a few megabytes and a cancel lands mid-transfer.
        StringBuilder c = new StringBuilder("#include <stdio.h>\n");
        int n = 1500;
        for (int i = 0; i < n; i++) {
            c.append("__attribute__((noinline)) int f").append(i).append("(int x) { int a[4] = {x, x+1, x+2, x+")
                    .append(i).append("}; return a[x & 3] * ").append(i + 1).append("; }\n");
        }
        c.append("__attribute__((noinline)) void crash_here(int *p, int v) {\n    *p = v;\n}\n");
        c.append("int main(int argc, char **argv) {\n    int s = 0;\n");
        for (int i = 0; i < n; i += 100) c.append("    s += f").append(i).append("(argc);\n");
        c.append("    crash_here(argc > 100 ? (int *)argv : (int *)0, s);\n    return 0;\n}\n");
        Path src = dir.resolve("bigprog.c");
        Files.writeString(src, c);
        Path full = dir.resolve("bigprog");
        Tools.Result cc = Tools.run(dir, 180, List.of("cc", "-g3", "-O0", "-o", full.toString(), src.toString()));
        if (cc.exit() != 0) throw new IllegalStateException("cc: " + cc.stderr());
        Path core = NativePrograms.coreOf(full, dir);
        Path srv = Files.createDirectories(dir.resolve("srv"));
        Path shipped = Files.createDirectories(dir.resolve("shipped"));
        Path exe = shipped.resolve("bigprog");
        run("objcopy", "--only-keep-debug", full.toString(), srv.resolve("bigprog.debug").toString());
        run("strip", "--strip-all", "-o", exe.toString(), full.toString());
        run("objcopy", "--add-gnu-debuglink=" + srv.resolve("bigprog.debug"), exe.toString());
        buildId = BuildId.ofFile(exe).orElseThrow();
        // A server that answers every build-id with bytes that are not ELF.
        Path garbage = Files.createDirectories(dir.resolve("garbage/buildid").resolve(buildId));
        Files.writeString(garbage.resolve("debuginfo"), "this is not an ELF file\n".repeat(100));
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Path throttle = LoopbackProbe.resource(dir, "/debuginfod/throttle.py");

        String java = ProcessHandle.current().info().command().orElse("java");
        scenarios = LoopbackProbe.run(dir, List.of(
                "set -u",
                "ip link set lo up",
                "debuginfod -d " + dir.resolve("db.sqlite") + " -p 8002 -F -t0 -g0 " + srv + " > " + dir.resolve("server.log") + " 2>&1 &",
                "srv=$!",
                "python3 -m http.server 8003 --bind 127.0.0.1 --directory " + dir.resolve("garbage") + " > /dev/null 2>&1 &",
                "gar=$!",
                "python3 " + throttle + " 8004 " + srv.resolve("bigprog.debug") + " &",
                "slow=$!",
                "python3 " + throttle + " 8005 --silent &",
                "silent=$!",
                "ok=0; for i in $(seq 1 150); do curl -sf -o /dev/null http://127.0.0.1:8002/buildid/" + buildId
                        + "/debuginfo && curl -sf -o /dev/null http://127.0.0.1:8003/ && curl -s -o /dev/null http://127.0.0.1:8004/ && { ok=1; break; }; sleep 0.2; done",
                "[ $ok = 1 ] || { echo 'SERVER-NOT-READY'; cat " + dir.resolve("server.log") + "; kill $srv $gar $slow $silent; exit 3; }",
                "env -u DEBUGINFOD_URLS timeout 150 " + java + " -cp '" + System.getProperty("java.class.path") + "' "
                        + DebuginfodProbe.class.getName() + " " + core + " " + exe + " http://127.0.0.1:8002 http://127.0.0.1:8003 http://127.0.0.1:8004 http://127.0.0.1:8005 "
                        + dir.resolve("cache") + " " + notADir.resolve("cache"),
                "rc=$?",
                "kill $srv $gar $slow $silent",
                "wait",
                "exit $rc"), "debuginfod-probe");
    }

    static void run(String... cmd) throws Exception {
        Tools.Result r = Tools.run(dir, 120, List.of(cmd));
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + r.stderr());
    }

    static List<String> events(String scenario, String action) {
        return scenarios.get(scenario).stream().filter(l -> l.startsWith("EV CBA_" + action + " ")).toList();
    }

    static String result(String scenario) {
        return scenarios.get(scenario).stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    }

    static long elapsed(String scenario) {
        return Long.parseLong(scenarios.get(scenario).stream().filter(l -> l.startsWith("ELAPSED ")).findFirst().orElseThrow().substring(8));
    }

    @Test void cancelMidDownloadEndsInCancelThenFailure() {
        List<String> lines = scenarios.get("cancel");
        assertThat(lines.get(0)).startsWith("EV CBA_DEFERRED_SYMBOL_LOAD_START ");
        int cancel = indexOf(lines, "EV CBA_DEFERRED_SYMBOL_LOAD_CANCEL ");
        int failure = indexOf(lines, "EV CBA_DEFERRED_SYMBOL_LOAD_FAILURE ");
        assertThat(cancel).isGreaterThan(0);
        assertThat(failure).isGreaterThan(cancel);
        assertThat(lines.get(failure)).contains("cancelled=true");
        // The cancel came while bytes were flowing: some arrived, not all.
        var m = java.util.regex.Pattern.compile("done=(\\d+), total=(\\d+)").matcher(lines.get(lastIndexOf(lines, "EV CBA_DEFERRED_SYMBOL_LOAD_CANCEL ")));
        assertThat(m.find()).isTrue();
        long done = Long.parseLong(m.group(1)), total = Long.parseLong(m.group(2));
        assertThat(done).isPositive().isLessThan(total);
        assertThat(events("cancel", "EVENT")).anySatisfy(l -> assertThat(l).contains("downloading").containsPattern("percent=OptionalInt\\[\\d+\\]"));
        assertThat(result("cancel")).startsWith("RESULT CANCELLED");
        assertThat(events("cancel", "DEFERRED_SYMBOL_LOAD_COMPLETE")).isEmpty();
    }

    @Test void cancelLoadsFromAnotherThreadStopsADownload() {
        assertThat(result("cancel-from-another-thread")).startsWith("RESULT CANCELLED");
        assertThat(events("cancel-from-another-thread", "DEFERRED_SYMBOL_LOAD_FAILURE")).singleElement()
                .satisfies(l -> assertThat(l).contains("cancelled=true"));
    }

    @Test void theEngineStaysResponsiveAfterACancel() {
        assertThat(events("responsive", "SET_OPTIONS")).hasSize(1);
        assertThat(events("responsive", "EVENT")).anySatisfy(l -> assertThat(l).contains("symbol path: own;debuglink;debuginfod*"));
        assertThat(elapsed("responsive")).isLessThan(1000);
    }

    @Test void retryDownloadsWithProgressAndStacksGetSourceLines() {
        assertThat(events("retry", "DEFERRED_SYMBOL_LOAD_START")).filteredOn(l -> l.contains("module=bigprog")).hasSize(1);
        List<String> progress = events("retry", "EVENT").stream().filter(l -> l.contains("percent=OptionalInt[")).toList();
        assertThat(progress).isNotEmpty();
        assertThat(events("retry", "DEFERRED_SYMBOL_LOAD_COMPLETE")).filteredOn(l -> l.contains("module=bigprog")).singleElement().satisfies(l -> {
            assertThat(l).contains("source=DEBUGINFOD").contains("lineInfo=true");
        });
        assertThat(result("retry")).startsWith("RESULT LOADED DEBUGINFOD");
        assertThat(scenarios.get("retry")).contains("FRAME crash_here bigprog.c:" + (1500 + 3));
        assertThat(scenarios.get("retry")).anySatisfy(l -> assertThat(l).startsWith("FRAME main bigprog.c:"));
    }

    @Test void aSecondLoadHitsTheCacheWithoutDownloading() {
        assertThat(events("cache", "DEFERRED_SYMBOL_LOAD_COMPLETE")).singleElement().satisfies(l -> assertThat(l).contains("source=DEBUGINFOD"));
        assertThat(events("cache", "EVENT")).noneMatch(l -> l.contains("downloading"));
        assertThat(events("cache", "DEFERRED_SYMBOL_LOAD_CANCEL")).isEmpty();
        assertThat(events("cache", "DEBUG_INFO")).anySatisfy(l -> assertThat(l).contains("found in the cache"));
    }

    @Test void anUnreachableServerFailsWithAReasonAndNoHang() {
        assertThat(result("unreachable")).startsWith("RESULT FAILED").contains("debuginfod");
        assertThat(events("unreachable", "DEFERRED_SYMBOL_LOAD_FAILURE")).singleElement()
                .satisfies(l -> assertThat(l).contains("127.0.0.1:9").containsPattern("errno \\d+"));
        assertThat(elapsed("unreachable")).isLessThan(30_000);
    }

    @Test void aServerSendingGarbageIsNotBelieved() {
        assertThat(result("garbage")).startsWith("RESULT FAILED").contains("not an ELF file");
        assertThat(elapsed("garbage")).isLessThan(30_000);
    }

    @Test void aServerThatNeverAnswersTimesOut() {
        assertThat(result("silent")).startsWith("RESULT FAILED").contains("127.0.0.1:8005").contains("timed out");
        assertThat(elapsed("silent")).isBetween(3_000L, 15_000L);    // DEBUGINFOD_TIMEOUT is 5 s in the probe, one attempt
    }

    @Test void anUnusableCacheDirectoryFailsWithAReason() {
        assertThat(result("unwritable")).startsWith("RESULT FAILED").contains("debuginfod");
        assertThat(elapsed("unwritable")).isLessThan(30_000);
    }

    static int lastIndexOf(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) if (lines.get(i).startsWith(prefix)) return i;
        return -1;
    }

    static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(prefix)) return i;
        return -1;
    }
}
