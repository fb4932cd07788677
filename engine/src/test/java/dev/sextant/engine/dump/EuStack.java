package dev.sextant.engine.dump;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs elfutils' {@code eu-stack} on a core and parses its frames: the reference our stacks are checked against. */
final class EuStack {
    record Frame(long pc, String function) {}

    private static final Pattern TID = Pattern.compile("^TID (\\d+):");
    private static final Pattern FRAME = Pattern.compile("^#(\\d+)\\s+0x([0-9a-f]+)\\s*(.*)$");

    static boolean available() { return Tools.onPath("eu-stack"); }

    static Map<Integer, List<Frame>> run(Path core, Path exe, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("eu-stack", "--core=" + core));
        if (exe != null) cmd.add("--executable=" + exe);
        Tools.Result r = Tools.run(dir, 120, cmd);
        Map<Integer, List<Frame>> out = new LinkedHashMap<>();
        List<Frame> current = null;
        for (String line : r.stdout().split("\n")) {
            Matcher t = TID.matcher(line);
            if (t.find()) {
                current = new ArrayList<>();
                out.put(Integer.parseInt(t.group(1)), current);
                continue;
            }
            Matcher f = FRAME.matcher(line);
            if (f.find() && current != null) {
                current.add(new Frame(Long.parseUnsignedLong(f.group(2), 16), f.group(3).strip()));
            }
        }
        return out;
    }
}
