package dev.sextant.app.view.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.app.view.source.CurrentFrame;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * Issue 21 on a live target: a program of 1,001 threads (3 × 333 parked in three stacks, one odd
 * thread, main looping in all_parked), read by eu-stack first, then attached to by the window and
 * stopped at a breakpoint in main's loop. The Parallel stacks show eu-stack's groups of the parked
 * threads; after a step (F10) the view is regrouped: main's branch ends at the next line.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LiveParallelStacksGuiTest extends WindowTest {
    static final int PER_GROUP = 333;
    @Test void liveViewRegroupsAfterAStep(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-stack") && Tools.onPath("cc"), "needs eu-stack and cc");
        try (NativePrograms.Running p = NativePrograms.startForTracing("groups", dir, Integer.toString(PER_GROUP), "live")) {
            assertThat(p.line()).isEqualTo("parked");
            Map<List<Long>, Set<Integer>> theirs = EuStackGroups.of(dir, List.of("eu-stack", "-p", Integer.toString(p.pid())));
            assertThat(theirs.values().stream().mapToInt(Set::size).sum()).isEqualTo(3 * PER_GROUP + 2);
            // The parked threads' groups; main moves (it loops), so its own is left out of the comparison.
            Set<Set<Integer>> parked = theirs.values().stream().filter(s -> !s.contains(p.pid())).collect(Collectors.toSet());

            AtomicReference<CompletableFuture<ProcessInfo>> attached = new AtomicReference<>();
            robot.interact(() -> {
                window.workbench().select(window.workbench().tab("Parallel stacks").orElseThrow());
                attached.set(window.debug().attach(p.pid()));
            });
            try {
                attached.get().get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                Assumptions.abort("cannot attach here: " + e.getCause().getMessage());
            }
            int tick = NativePrograms.line("groups", "tick"), tock = NativePrograms.line("groups", "tock");
            AtomicReference<CompletableFuture<?>> set = new AtomicReference<>();
            robot.interact(() -> set.set(window.debug().breakpoint("groups.c:" + tick)));
            set.get().get(60, TimeUnit.SECONDS);
            robot.interact(() -> { if (!window.debug().running().get()) window.debug().cont(); });
            TreeTableView<StackNode> tree = window.parallelStacks().tree();
            waitFor("main at the breakpoint, grouped", 120, () -> markedLeaf(tree).map(n -> n.frame().line().orElse(0) == tick).orElse(false));
            assertThat(robot.lookup("#parallel-summary").queryAs(Label.class).getText()).startsWith("1,001 threads in ");
            assertThat(unmarkedLeaves(tree)).isEqualTo(parked);
            assertThat(markedLeaf(tree).orElseThrow().threads()).containsExactly(new Tid(p.pid()));

            robot.interact(() -> window.debug().stepOver());
            waitFor("main one line on, regrouped", 120, () -> markedLeaf(tree).map(n -> n.frame().line().orElse(0) == tock).orElse(false));
            assertThat(markedLeaf(tree).orElseThrow().function()).isEqualTo("all_parked");
            assertThat(unmarkedLeaves(tree)).isEqualTo(parked);
            assertThat(tree.getRoot().getChildren().stream().mapToInt(i -> i.getValue().count()).sum()).isEqualTo(3 * PER_GROUP + 2);
            robot.interact(() -> screenshot(ParallelStacksGuiTest.shot("parallel-stacks-live.png")));

            // Hidden (another tab of its area selected), the tree is not rebuilt at each step; shown
            // again, it is regrouped at once for the stop it missed.
            TreeItem<StackNode> before = tree.getRoot();
            robot.interact(() -> window.workbench().select(window.workbench().tab("Source").orElseThrow()));
            robot.interact(() -> window.debug().stepOver());
            waitFor("main one more line on", 120, () -> window.frames().current().get()
                    .flatMap(CurrentFrame.Selection::frame).map(f -> f.line().orElse(0)).orElse(0) == tock + 1);
            assertThat(tree.getRoot()).as("the hidden tree").isSameAs(before);
            robot.interact(() -> window.workbench().select(window.workbench().tab("Parallel stacks").orElseThrow()));
            assertThat(markedLeaf(tree).orElseThrow().frame().line()).hasValue(tock + 1);
            assertThat(unmarkedLeaves(tree)).isEqualTo(parked);
        }
    }

    /** The innermost node of the marked (stopped thread's) path. */
    static java.util.Optional<StackNode> markedLeaf(TreeTableView<StackNode> tree) {
        TreeItem<StackNode> at = tree.getRoot();
        if (at == null) return java.util.Optional.empty();
        while (true) {
            TreeItem<StackNode> next = at.getChildren().stream().filter(c -> c.getValue().marked()).findFirst().orElse(null);
            if (next == null) return java.util.Optional.ofNullable(at.getValue());
            at = next;
        }
    }

    static Set<Set<Integer>> unmarkedLeaves(TreeTableView<StackNode> tree) {
        Set<Set<Integer>> out = new HashSet<>();
        ParallelStacksGuiTest.walk(tree.getRoot(), List.of(), (n, path, leaf) -> {
            if (leaf && !n.marked()) out.add(n.threads().stream().map(Tid::value).collect(Collectors.toSet()));
        });
        return out;
    }
}
