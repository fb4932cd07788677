package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StackGroup;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grouped stacks of a core of 1,001 threads in three stacks plus one odd thread, and the crashing
 * main thread: the groups and their threads equal those computed from eu-stack's output.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StackGroupTest {
    @TempDir static Path dir;
    static Path exe, core;
    static DumpReport report;

    @BeforeAll static void makeCore() throws Exception {
        exe = NativePrograms.compile("groups", dir);
        core = NativePrograms.coreOf(exe, dir, "333");
        report = CorpusCoreTest.read(core, exe);
    }

    static Set<Tid> crashed() {
        return report.threads().stream().filter(ThreadInfo::crashed).map(ThreadInfo::tid).collect(Collectors.toSet());
    }

    @Test void groupsByPcEqualEuStacks() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-stack"), "no eu-stack");
        assertThat(report.threads()).hasSize(3 * 333 + 2);
        String out = Tools.run(dir, 240, List.of("eu-stack", "--core", core.toString(), "-e", exe.toString())).stdout();
        // eu-stack: "TID n:" then "#k  0xPC ...": threads with the same pc list form a group.
        Map<List<Long>, Set<Integer>> theirs = new LinkedHashMap<>();
        int tid = 0;
        List<Long> pcs = null;
        for (String line : (out + "\nTID 0:").split("\n")) {
            if (line.startsWith("TID ")) {
                if (pcs != null) theirs.computeIfAbsent(pcs, k -> new HashSet<>()).add(tid);
                tid = Integer.parseInt(line.substring(4, line.indexOf(':')));
                pcs = new ArrayList<>();
            } else if (pcs != null && line.startsWith("#")) {
                pcs.add(Long.parseUnsignedLong(line.split("\\s+")[1].substring(2), 16));
            }
        }
        List<StackGroup> ours = StackGroup.byPc(report.stacks(), crashed());
        assertThat(ours.stream().map(g -> g.tids().stream().map(Tid::value).collect(Collectors.toSet())).collect(Collectors.toSet()))
                .isEqualTo(new HashSet<>(theirs.values()));
        for (StackGroup g : ours) {
            List<Long> groupPcs = g.frames().stream().filter(f -> !f.inline()).map(f -> f.pc().value()).toList();
            assertThat(theirs.get(groupPcs)).as("eu-stack's group with these pcs").containsExactlyInAnyOrderElementsOf(
                    g.tids().stream().map(Tid::value).toList());
        }
        // Largest first; the odd thread and the crashing thread are groups of their own.
        assertThat(ours.get(0).count()).isGreaterThanOrEqualTo(ours.get(ours.size() - 1).count());
        assertThat(ours).filteredOn(StackGroup::crashed).singleElement().satisfies(g -> {
            assertThat(g.count()).isEqualTo(1);
            assertThat(functions(g)).contains("crash_now", "main");
        });
        assertThat(ours).filteredOn(g -> functions(g).contains("odd")).singleElement()
                .satisfies(g -> assertThat(g.count()).isEqualTo(1));
    }

    @Test void groupsByFunctionMergeWhatDiffersOnlyInOffsets() {
        List<StackGroup> byFunction = StackGroup.byFunction(report.stacks(), crashed());
        List<StackGroup> byPc = StackGroup.byPc(report.stacks(), crashed());
        assertThat(byFunction.size()).isLessThanOrEqualTo(byPc.size());
        assertThat(byFunction.stream().mapToInt(StackGroup::count).sum()).isEqualTo(report.threads().size());
        // The three parked paths stay apart: they differ in functions, not only in offsets.
        for (String path : List.of("path_a", "path_b", "path_c")) {
            assertThat(byFunction).filteredOn(g -> functions(g).contains(path)).singleElement()
                    .satisfies(g -> assertThat(g.count()).isEqualTo(333));
        }
        assertThat(byFunction.subList(0, 3)).allSatisfy(g -> assertThat(g.count()).isEqualTo(333));
    }

    static List<String> functions(StackGroup g) {
        return g.frames().stream().map(StackFrame::function).flatMap(Optional::stream).toList();
    }
}
