package dev.sextant.app.cli;

import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sextant symbols --pid PID --find … --addr … --json} on a real running process: libc's
 * dynamic symbols agree with {@code nm -D} (module base + value, size), an address's function and
 * line agree with {@code eu-addr2line --pid}, and the process is detached and runs on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SymbolsPidCommandTest {
    @TempDir Path dir;

    @Test void findAndAddrOnALiveProcessAgreeWithNmAndEuAddr2line() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc") && Tools.onPath("nm") && Tools.onPath("eu-addr2line"), "needs cc, nm, eu-addr2line");
        Path exe = NativePrograms.compile("threads", dir);
        int pid = NativePrograms.start(exe, "3").pid();
        try {
            String libcPath = Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream().map(l -> l.split("\\s+"))
                    .filter(f -> f.length >= 6 && f[5].matches(".*/libc\\.so\\.6$")).map(f -> f[5]).findFirst().orElseThrow();
            // nm -D: defined functions of libc, value and size.
            Tools.Result nm = Tools.run(dir, 60, List.of("nm", "-D", "--defined-only", "-S", libcPath));
            Map<String, long[]> nmSyms = new HashMap<>();
            for (String l : nm.stdout().lines().toList()) {
                String[] f = l.split("\\s+");
                // "malloc@@GLIBC_2.2.5": the default version names the symbol; an older "@" version may sit elsewhere.
                if (f.length == 4 && (f[2].equals("T") || f[2].equals("W")) && (f[3].contains("@@") || !f[3].contains("@"))) {
                    nmSyms.put(f[3].replaceFirst("@.*", ""), new long[] {Long.parseUnsignedLong(f[0], 16), Long.parseUnsignedLong(f[1], 16)});
                }
            }
            Assumptions.assumeTrue(nmSyms.containsKey("malloc") && nmSyms.containsKey("pthread_create"), "libc without malloc/pthread_create in nm -D");

            StackPidCommandTest.Output o = StackPidCommandTest.run("symbols", "--pid", Integer.toString(pid), "--no-debuginfod",
                    "--find", "libc.so.6!malloc", "--find", "libc.so.6!pthread_create", "--find", "threads!level*",
                    "--json");
            assertThat(o.status()).as(o.err()).isZero();
            JsonNode root = new ObjectMapper().readTree(o.out());
            long libcBase = -1;
            for (JsonNode m : root.get("modules")) {
                if (m.get("name").asText().endsWith("/libc.so.6")) libcBase = Long.decode(m.get("base").asText());
            }
            assertThat(libcBase).as("libc in the module list").isPositive();
            Map<String, JsonNode> found = new HashMap<>();
            // Versioned names ("pthread_create@@GLIBC_2.34") keyed by their base name, the default version ("@@") first.
            for (JsonNode s : root.get("symbols")) {
                String name = s.get("name").asText();
                String key = s.get("module").asText() + "!" + name.replaceFirst("@.*", "");
                if (name.contains("@@") || !name.contains("@")) found.put(key, s); else found.putIfAbsent(key, s);
            }
            for (String name : List.of("malloc", "pthread_create")) {
                JsonNode s = found.get("libc.so.6!" + name);
                assertThat(s).as(name + " found; got " + found.keySet()).isNotNull();
                assertThat(Long.decode(s.get("address").asText())).as(name).isEqualTo(libcBase + nmSyms.get(name)[0]);
                assertThat(s.get("size").asLong()).as(name + " size").isEqualTo(nmSyms.get(name)[1]);
            }
            List<String> levels = new ArrayList<>();
            found.keySet().stream().filter(k -> k.startsWith("threads!level")).sorted().forEach(levels::add);
            assertThat(levels).containsExactly("threads!level1", "threads!level2", "threads!level3");

            // ln inside level2 (a few bytes in), checked against eu-addr2line on the same running process.
            long level2 = Long.decode(found.get("threads!level2").get("address").asText());
            String addr = "0x" + Long.toHexString(level2 + 8);
            StackPidCommandTest.Output ln = StackPidCommandTest.run("symbols", "--pid", Integer.toString(pid), "--no-debuginfod", "--addr", addr, "--json");
            assertThat(ln.status()).as(ln.err()).isZero();
            JsonNode a = new ObjectMapper().readTree(ln.out()).get("addresses").get(0);
            Tools.Result eu = Tools.run(dir, 60, List.of("eu-addr2line", "-f", "--pid=" + pid, addr));
            List<String> euLines = eu.stdout().lines().toList();
            assertThat(euLines).as("eu-addr2line: " + eu.stderr()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(a.get("symbol").asText()).isEqualTo(euLines.get(0).strip()).isEqualTo("level2");
            Matcher fl = Pattern.compile("^(.*?):(\\d+)(?::\\d+)?$").matcher(euLines.get(1).strip());    // file:line[:column]
            assertThat(fl.matches()).as(euLines.get(1)).isTrue();
            assertThat(a.get("file").asText()).isEqualTo(fl.group(1));
            assertThat(a.get("line").asInt()).isEqualTo(Integer.parseInt(fl.group(2)));
            // Detached: no tracer, and it still runs.
            assertThat(Files.readString(Path.of("/proc/" + pid + "/status"))).contains("TracerPid:\t0");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        } finally {
            int p = pid;
            ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
