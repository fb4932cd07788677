package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindResult;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test side: compiles C with {@code cc} and runs {@code ldd -r}, the reference the binder is checked against. */
final class Toolchain {
    private Toolchain() {}

    record Run(int status, String out) {}

    /** Runs {@code cmd} through {@link Tools} without this process's LD_LIBRARY_PATH; both streams in {@code out}. */
    static Run run(Map<String, String> env, List<String> cmd) throws IOException, InterruptedException {
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("LD_LIBRARY_PATH", "");
        Tools.Result r = Tools.run(Path.of("").toAbsolutePath(), 60, e, StandardCharsets.UTF_8, cmd);
        return new Run(r.exit(), r.all());
    }

    static boolean has(String tool) { return Tools.onPath(tool); }

    static void assumeCc() {
        assumeTrue(has("cc"), "needs a C compiler (cc)");
    }

    /** Compiles {@code source} into {@code out} with extra flags; fails the test if cc fails. */
    static Path cc(Path dir, String source, Path out, String... flags) throws IOException, InterruptedException {
        Path src = dir.resolve(out.getFileName() + ".c");
        Files.writeString(src, source);
        List<String> cmd = new ArrayList<>(List.of("cc", "-o", out.toString(), src.toString()));
        cmd.addAll(List.of(flags));
        Run r = run(Map.of(), cmd);
        if (r.status() != 0) throw new AssertionError("cc failed: " + cmd + "\n" + r.out());
        return out;
    }

    /** What {@code ldd -r} says: needed name → real path (null: not found), and undefined symbols. */
    record Ldd(Map<String, String> libraries, Set<String> undefined, String raw) {}

    private static final Pattern LIB = Pattern.compile("^\\s+(\\S+) => (not found|(\\S+) \\(0x)");
    private static final Pattern INTERP = Pattern.compile("^\\s+(/\\S+) \\(0x");
    private static final Pattern UNDEF = Pattern.compile("undefined symbol: ([^,\\s]+)(?:, version (\\S+))?\\s+\\((.*)\\)$");

    static Ldd ldd(Path file, Map<String, String> env) throws IOException, InterruptedException {
        Run r = run(env, List.of("ldd", "-r", file.toString()));
        Map<String, String> libs = new LinkedHashMap<>();
        Set<String> undefined = new LinkedHashSet<>();
        for (String line : r.out().split("\n")) {
            Matcher m = LIB.matcher(line);
            if (m.find()) {
                libs.put(m.group(1), m.group(2).equals("not found") ? null : real(m.group(3)));
                continue;
            }
            m = INTERP.matcher(line);
            if (m.find()) {
                libs.put(Path.of(m.group(1)).getFileName().toString(), real(m.group(1)));
                continue;
            }
            m = UNDEF.matcher(line);
            if (m.find()) undefined.add(key(m.group(1), m.group(2), real(m.group(3))));
        }
        libs.remove("linux-vdso.so.1");
        return new Ldd(libs, undefined, r.out());
    }

    static String key(String name, String version, String module) {
        return name + (version == null ? "" : "@" + version) + " in " + module;
    }

    static String real(String p) {
        try {
            return Path.of(p).toRealPath().toString();
        } catch (IOException e) {
            return p;
        }
    }

    /** The binder's view in the same shape: needed name → real path, undefined keys. */
    static Ldd fromResult(BindResult r) {
        Map<String, String> libs = new LinkedHashMap<>();
        Map<String, String> pathOf = new HashMap<>();
        for (BindResult.Module m : r.modules()) {
            pathOf.put(m.name(), m.path().map(Toolchain::real).orElse(null));
            if (!m.foundBy().equals("image")) libs.put(m.name(), m.path().map(Toolchain::real).orElse(null));
        }
        Set<String> undefined = new LinkedHashSet<>();
        for (BindResult.Unresolved u : r.unresolved()) undefined.add(key(u.name(), u.version().orElse(null), pathOf.get(u.module())));
        return new Ldd(libs, undefined, "");
    }
}
