package dev.sextant.app.view.parallel;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The reference: eu-stack's output ("TID n:" then "#k  0xPC …" lines), threads with the same pc list grouped. */
final class EuStackGroups {
    private EuStackGroups() {}

    /** pcs (innermost first) to the threads that have exactly those. */
    static Map<List<Long>, Set<Integer>> of(Path dir, List<String> cmd) throws Exception {
        Tools.Result r = Tools.run(dir, 240, cmd);
        if (r.exit() != 0 && !r.stdout().contains("TID ")) throw new AssertionError("eu-stack failed: " + r.stderr());
        Map<List<Long>, Set<Integer>> groups = new LinkedHashMap<>();
        int tid = 0;
        List<Long> pcs = null;
        for (String line : (r.stdout() + "\nTID 0:").split("\n")) {
            if (line.startsWith("TID ")) {
                if (pcs != null) groups.computeIfAbsent(pcs, k -> new HashSet<>()).add(tid);
                tid = Integer.parseInt(line.substring(4, line.indexOf(':')));
                pcs = new ArrayList<>();
            } else if (pcs != null && line.startsWith("#")) {
                pcs.add(Long.parseUnsignedLong(line.split("\\s+")[1].substring(2), 16));
            }
        }
        return groups;
    }

    /** How many of eu-stack's threads have {@code outermostFirst} as their outermost frames. */
    static int through(Map<List<Long>, Set<Integer>> groups, List<Long> outermostFirst) {
        int n = 0;
        for (var e : groups.entrySet()) {
            List<Long> pcs = e.getKey();
            if (pcs.size() < outermostFirst.size()) continue;
            boolean prefix = true;
            for (int i = 0; i < outermostFirst.size() && prefix; i++) prefix = pcs.get(pcs.size() - 1 - i).equals(outermostFirst.get(i));
            if (prefix) n += e.getValue().size();
        }
        return n;
    }
}
