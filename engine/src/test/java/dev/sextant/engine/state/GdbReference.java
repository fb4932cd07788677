package dev.sextant.engine.state;

import dev.sextant.engine.testing.NativePrograms;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** gdb as the reference: every frame's variables of a core or process as its Python API dumps them ({@code gdb/dump_locals.py}). */
public final class GdbReference {
    private GdbReference() {}

    /** One variable, member or element as gdb printed it: {@code path} is {@code name.member.[2]}. */
    public record Entry(String path, String type, String value) {}

    /** One frame: thread, index, function, and its entries by path. */
    public record Frame(int tid, int index, String function, Map<String, Entry> entries) {}

    static Path script(Path dir) throws Exception {
        Path script = dir.resolve("dump_locals.py");
        try (InputStream in = GdbReference.class.getResourceAsStream("/gdb/dump_locals.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    /** gdb's frames of {@code core} (made by {@code exe}). */
    public static List<Frame> framesOfCore(Path dir, Path exe, Path core) throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb is the reference and is not installed");
        Path out = dir.resolve(core.getFileName() + ".gdb.tsv");
        var r = NativePrograms.Tools.run(dir, 180, List.of("gdb", "-batch", "-nx", "-x", script(dir).toString(),
                "-ex", "python dump_lines(\"" + out + "\", 8)", exe.toString(), core.toString()));
        if (!Files.exists(out)) throw new IllegalStateException("gdb wrote no dump: " + r.stderr());
        return parse(Files.readAllLines(out));
    }

    /** gdb's frames of the running process {@code pid} (gdb attaches, dumps, detaches). */
    public static List<Frame> framesOfProcess(Path dir, int pid) throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb is the reference and is not installed");
        Path out = dir.resolve(pid + ".gdb.tsv");
        var r = NativePrograms.Tools.run(dir, 180, List.of("gdb", "-batch", "-nx", "-p", Integer.toString(pid), "-x", script(dir).toString(),
                "-ex", "python dump_lines(\"" + out + "\", 8)"));
        if (!Files.exists(out)) throw new IllegalStateException("gdb wrote no dump: " + r.stderr());
        return parse(Files.readAllLines(out));
    }

    /** What gdb prints for each expression in frame 0 of the core's crashed thread ({@code format_string()}, or the error). */
    static List<String> evaluate(Path dir, Path exe, Path core, List<String> expressions) throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb is the reference and is not installed");
        List<String> cmd = new ArrayList<>(List.of("gdb", "-batch", "-nx"));
        for (String e : expressions) {
            cmd.add("-ex");
            cmd.add("python\ntry:\n print('=> ' + gdb.parse_and_eval(" + pyString(e) + ").format_string())\nexcept gdb.error as x:\n print('=> error: ' + str(x))\nend");
        }
        cmd.add(exe.toString());
        cmd.add(core.toString());
        var r = NativePrograms.Tools.run(dir, 120, cmd);
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) if (line.startsWith("=> ")) out.add(line.substring(3));
        return out;
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static List<Frame> parse(List<String> lines) {
        List<Frame> frames = new ArrayList<>();
        Frame current = null;
        for (String line : lines) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            if (f.length < 6) continue;
            int tid = Integer.parseInt(f[0]), index = Integer.parseInt(f[1]);
            if (current == null || current.tid() != tid || current.index() != index) {
                current = new Frame(tid, index, f[2], new LinkedHashMap<>());
                frames.add(current);
            }
            if (f[3].isEmpty()) continue;
            String path = f[3];
            while (current.entries().containsKey(path)) path += "'";     // a shadowed name: the outer one
            current.entries().put(path, new Entry(path, f[4], f[5]));
        }
        return frames;
    }
}
