package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.StackGroup;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.EventLog;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * The engine's {@code StacksGrouped} event (what the window's Parallel stacks and grouped Threads
 * views show): raised once per opened dump (an ELF core's before its threads' stacks, a minidump's after), for an ELF core of 1,001 threads and
 * for a minidump of the same core; the groups' threads are eu-stack's groups of the core.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StacksGroupedEventTest {
    @TempDir static Path dir;
    static Path exe, core;
    static Set<Set<Integer>> theirs;

    @BeforeAll static void makeCore() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-stack"), "no eu-stack");
        exe = NativePrograms.compile("groups", dir);
        core = NativePrograms.coreOf(exe, dir, "333");
        String out = Tools.run(dir, 240, List.of("eu-stack", "--core", core.toString(), "-e", exe.toString())).stdout();
        java.util.Map<List<String>, Set<Integer>> groups = new java.util.LinkedHashMap<>();
        int tid = 0;
        List<String> pcs = null;
        for (String line : (out + "\nTID 0:").split("\n")) {
            if (line.startsWith("TID ")) {
                if (pcs != null) groups.computeIfAbsent(pcs, k -> new HashSet<>()).add(tid);
                tid = Integer.parseInt(line.substring(4, line.indexOf(':')));
                pcs = new ArrayList<>();
            } else if (pcs != null && line.startsWith("#")) {
                pcs.add(line.split("\\s+")[1]);
            }
        }
        theirs = new HashSet<>(groups.values());
    }

    @Test void anElfCoreAndItsMinidumpRaiseEuStacksGroups() throws Exception {
        Path minidump = dir.resolve("groups.dmp");
        CoreToMinidump.write(core, minidump);
        for (Path dump : List.of(core, minidump)) {
            try (EngineThread engine = new EngineThread()) {
                EventLog events = new EventLog();
                engine.addListener(events);
                engine.submit(new Command.OpenCore(dump, Optional.of(exe), Optional.empty(), new Cancellation())).get(240, TimeUnit.SECONDS);
                DebugEvent.StacksGrouped g = events.await(DebugEvent.StacksGrouped.class, e -> true, 60_000);
                assertThat(events.of(DebugEvent.StacksGrouped.class)).as(dump.toString()).hasSize(1);
                // Every thread's stack is told too. An ELF core's groups come before them (the Parallel stacks view shows
                // 100,000 threads' few groups without waiting for their stacks); a minidump's after them.
                List<DebugEvent> all = events.all();
                List<DebugEvent.StackWalked> stacks = events.of(DebugEvent.StackWalked.class);
                assertThat(stacks).as(dump.toString()).hasSize(3 * 333 + 2);
                if (dump.equals(core)) assertThat(all.indexOf(g)).isLessThan(all.indexOf(stacks.get(0)));
                else assertThat(all.indexOf(g)).isGreaterThan(all.lastIndexOf(stacks.get(stacks.size() - 1)));
                assertThat(tidSets(g.byPc())).as(dump.toString()).isEqualTo(theirs);
                assertThat(g.byPc()).filteredOn(StackGroup::crashed).singleElement().satisfies(c -> assertThat(c.count()).isEqualTo(1));
                assertThat(g.byFunction().stream().mapToInt(StackGroup::count).sum()).isEqualTo(3 * 333 + 2);
                assertThat(g.byFunction().subList(0, 3)).allSatisfy(c -> assertThat(c.count()).isEqualTo(333));
            }
        }
    }

    static Set<Set<Integer>> tidSets(List<StackGroup> groups) {
        return groups.stream().map(s -> s.tids().stream().map(Tid::value).collect(Collectors.toSet())).collect(Collectors.toSet());
    }
}
