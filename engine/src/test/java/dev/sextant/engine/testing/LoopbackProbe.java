package dev.sextant.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a shell script in a private network namespace ({@code unshare -n}: only a loopback, which the
 * script brings up), where real servers on 127.0.0.1 and a probe JVM meet without touching any network.
 * The probe prints {@code SCENARIO name} before each scenario's lines and {@code DONE} at the end; the
 * answer is each scenario's lines. The whole transcript is kept in {@code target/NAME.txt}.
 */
public final class LoopbackProbe {
    private LoopbackProbe() {}

    /** The command prefix that enters a new network namespace (a user namespace too when not root). */
    public static List<String> unshare() {
        return "root".equals(System.getProperty("user.name")) ? List.of("unshare", "-n") : List.of("unshare", "-rn");
    }

    /** Skips the calling test where network namespaces (and {@code extra}, run inside one) are not permitted. */
    public static void assumePermitted(Path dir, String... extra) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Tools.onPath("unshare") && Tools.onPath("ip") && Tools.onPath("curl") && Tools.onPath("python3"),
                "needs unshare, ip (iproute2), curl, python3");
        Tools.Result probe = Tools.run(dir, 30, concat(unshare(), extra.length == 0 ? List.of("ip", "link", "set", "lo", "up") : List.of(extra)));
        Assumptions.assumeTrue(probe.exit() == 0, "namespaces not permitted here: " + probe.stderr().strip());
    }

    /** Copies a test resource (a server script) into {@code dir}. */
    public static Path resource(Path dir, String resource) throws IOException {
        Path out = dir.resolve(Path.of(resource).getFileName().toString());
        if (Files.exists(out)) return out;
        try (var in = LoopbackProbe.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("no test resource " + resource);
            Files.copy(in, out);
        }
        return out;
    }

    /** Runs {@code script} (its lines) in the namespace and returns each scenario's lines; fails unless the probe said DONE. */
    public static Map<String, List<String>> run(Path dir, List<String> script, String transcript) throws IOException, InterruptedException {
        Path sh = dir.resolve("run.sh");
        Files.writeString(sh, String.join("\n", script) + "\n");
        Tools.Result r = Tools.run(dir, 200, concat(unshare(), List.of("bash", sh.toString())));
        Files.writeString(Path.of("target", transcript + ".txt"), r.stdout() + "\n--- stderr\n" + r.stderr());
        assertThat(r.stdout()).as("probe output; stderr: %s", r.stderr()).contains("DONE");
        Map<String, List<String>> scenarios = new LinkedHashMap<>();
        List<String> cur = null;
        for (String line : r.stdout().lines().toList()) {
            if (line.startsWith("SCENARIO ")) scenarios.put(line.substring(9), cur = new ArrayList<>());
            else if (cur != null) cur.add(line);
        }
        return scenarios;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
