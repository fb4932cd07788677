package dev.sextant.app.view.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.app.view.source.CurrentFrame;
import dev.sextant.app.view.stack.FrameRow;
import dev.sextant.app.view.threads.ThreadGroupRow;
import dev.sextant.app.view.threads.ThreadRow;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.Clipboard;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * Issue 21 in the window, on a core of 1,001 threads: 3 × 333 parked in three distinct stacks, one
 * odd thread, the crashing main thread. The Parallel stacks tree's every node counts the threads
 * that eu-stack's output puts under the same outermost pcs; the odd thread is its own branch; the
 * crashed path is marked; selecting a node lists its threads and makes one current at that frame.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ParallelStacksGuiTest extends WindowTest {
    static final int PER_GROUP = 333;
    @TempDir static Path dir;
    static Path exe, core;
    static Map<List<Long>, Set<Integer>> theirs;

    @BeforeAll static void makeCore() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-stack"), "no eu-stack");
        exe = NativePrograms.compile("groups", dir);
        core = NativePrograms.coreOf(exe, dir, Integer.toString(PER_GROUP));
        theirs = EuStackGroups.of(dir, List.of("eu-stack", "--core", core.toString(), "-e", exe.toString()));
    }

    @Test void mergedTreeCountsEqualEuStacksAndANodeMakesAThreadCurrent(FxRobot robot) throws Exception {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> {
            window.workbench().select(window.workbench().tab("Parallel stacks").orElseThrow());
            f.set(window.open(core, Optional.empty(), Optional.empty()));
        });
        f.get().get(120, TimeUnit.SECONDS);
        TreeTableView<StackNode> tree = window.parallelStacks().tree();
        waitFor("the grouped stacks", 60, () -> tree.getRoot() != null && !tree.getRoot().getChildren().isEmpty());
        int threads = theirs.values().stream().mapToInt(Set::size).sum();
        assertThat(threads).isEqualTo(3 * PER_GROUP + 2);
        assertThat(tree.getRoot().getChildren().stream().mapToInt(i -> i.getValue().count()).sum()).isEqualTo(threads);
        assertThat(robot.lookup("#parallel-summary").queryAs(Label.class).getText())
                .isEqualTo(String.format("%,d threads in %d stacks", threads, theirs.size()));
        // Every node: the threads eu-stack has under the same outermost pcs; every leaf: exactly eu-stack's group.
        int[] checked = {0, 0};
        walk(tree.getRoot(), new ArrayList<>(), (node, path, leaf) -> {
            assertThat(node.count()).as("threads through %s (%s)", node.function(), path).isEqualTo(EuStackGroups.through(theirs, path));
            checked[0]++;
            if (leaf) {
                List<Long> innermostFirst = new ArrayList<>(path);
                java.util.Collections.reverse(innermostFirst);
                assertThat(node.threads().stream().map(Tid::value).collect(Collectors.toSet())).isEqualTo(theirs.get(innermostFirst));
                checked[1]++;
            }
        });
        assertThat(checked[1]).isEqualTo(theirs.size());
        // Callers merge: the workers' common start (start_thread) is one node above the three paths and the odd thread.
        assertThat(find(tree.getRoot(), "start_thread")).singleElement().satisfies(n -> assertThat(n.count()).isEqualTo(3 * PER_GROUP + 1));
        assertThat(find(tree.getRoot(), "odd")).singleElement().satisfies(n -> assertThat(n.count()).isEqualTo(1));
        assertThat(find(tree.getRoot(), "crash_now")).singleElement().satisfies(n -> assertThat(n.marked()).isTrue());
        assertThat(find(tree.getRoot(), "path_b")).singleElement().satisfies(n -> {
            assertThat(n.count()).isEqualTo(PER_GROUP);
            assertThat(n.marked()).isFalse();
        });
        robot.interact(() -> screenshot(shot("parallel-stacks-core.png")));

        // Selecting a node: its threads listed, one current at that node's frame; the Call stack follows.
        robot.interact(() -> assertThat(window.parallelStacks().selectFunction("path_b")).isTrue());
        TableView<FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("a path_b thread current", () -> window.frames().current().get().map(s -> s.frame().flatMap(x -> x.function())
                .map("path_b"::equals).orElse(false)).orElse(false) && stack.getSelectionModel().getSelectedItem() != null
                && stack.getSelectionModel().getSelectedItem().function().startsWith("path_b"));
        assertThat(window.parallelStacks().threads().getItems()).hasSize(PER_GROUP);
        CurrentFrame.Selection current = window.frames().current().get().orElseThrow();
        // path_b's group in eu-stack's output: the deepest of the three (park_b <- mid_b <- path_b).
        Set<Integer> pathB = theirs.entrySet().stream().filter(e -> e.getValue().size() == PER_GROUP)
                .max(java.util.Comparator.comparingInt(e -> e.getKey().size())).orElseThrow().getValue();
        assertThat(pathB).contains(current.tid().value());
        assertThat(robot.lookup("#parallel-threads-title").queryAs(Label.class).getText()).isEqualTo("333 threads at path_b");
        robot.interact(() -> screenshot(shot("parallel-stacks-selected.png")));

        // Another thread of the list becomes current when picked.
        robot.interact(() -> window.parallelStacks().threads().getSelectionModel().select(5));
        Tid fifth = window.parallelStacks().threads().getItems().get(5);
        waitFor("the picked thread current", () -> window.frames().current().get().map(s -> s.tid().equals(fifth)).orElse(false));

        // Same function, ignore offsets: the three paths stay apart, 333 each.
        robot.clickOn("#parallel-by-function");
        waitFor("the tree by function", () -> robot.lookup("#parallel-summary").queryAs(Label.class).getText().contains("threads in"));
        for (String p : List.of("path_a", "path_b", "path_c")) {
            assertThat(find(tree.getRoot(), p)).singleElement().satisfies(n -> assertThat(n.count()).isEqualTo(PER_GROUP));
        }
        // The filter keeps the stacks with a matching frame.
        robot.clickOn("#parallel-filter").write("odd");
        waitFor("the filtered tree", () -> find(tree.getRoot(), "path_a").isEmpty());
        assertThat(find(tree.getRoot(), "odd")).hasSize(1);
        assertThat(robot.lookup("#parallel-summary").queryAs(Label.class).getText()).endsWith("(1 stack, 1 threads, match)");
        robot.clickOn("#parallel-copy");
        AtomicReference<String> copied = new AtomicReference<>();
        robot.interact(() -> copied.set(Clipboard.getSystemClipboard().getString()));
        assertThat(copied.get()).contains("odd").contains("start_thread").doesNotContain("path_a");
    }

    @Test void threadsViewGroupsIdenticalStacks(FxRobot robot) throws Exception {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(core, Optional.empty(), Optional.empty())));
        f.get().get(120, TimeUnit.SECONDS);
        robot.clickOn("#threads-group");
        TreeTableView<ThreadGroupRow> groups = window.threadsView().groupedTree();
        waitFor("the grouped threads", 60, () -> groups.getRoot().getChildren().size() == theirs.size());
        List<Integer> ours = new ArrayList<>(), refs = new ArrayList<>();
        for (TreeItem<ThreadGroupRow> g : groups.getRoot().getChildren()) ours.add(g.getValue().count());
        theirs.values().forEach(s -> refs.add(s.size()));
        assertThat(ours).containsExactlyInAnyOrderElementsOf(refs);
        assertThat(ours.get(0)).isEqualTo(PER_GROUP);                   // largest first
        TreeItem<ThreadGroupRow> first = groups.getRoot().getChildren().get(0);
        robot.interact(() -> first.setExpanded(true));
        assertThat(first.getChildren()).hasSize(PER_GROUP);
        Set<Integer> tids = new HashSet<>();
        for (TreeItem<ThreadGroupRow> t : first.getChildren()) tids.add(t.getValue().tid().orElseThrow().value());
        assertThat(theirs.values()).contains(tids);
        robot.interact(() -> groups.getSelectionModel().select(first.getChildren().get(3)));
        waitFor("the picked thread current", () -> window.frames().current().get()
                .map(s -> s.tid().equals(first.getChildren().get(3).getValue().tid().orElseThrow())).orElse(false));
        robot.interact(() -> screenshot(shot("threads-grouped.png")));
    }

    /**
     * The Threads table of the 1,001 threads: every row's frame count is eu-stack's for that thread
     * (the rows its groups filled in, made off the FX thread); sorting and filtering show the rows
     * through a sorted, filtered view, and clearing both shows the model's rows in their order again.
     */
    @Test void threadsTableRowsMatchEuStackAndSortAndFilter(FxRobot robot) throws Exception {
        AtomicReference<CompletableFuture<DumpReport>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.open(core, Optional.empty(), Optional.empty())));
        f.get().get(120, TimeUnit.SECONDS);
        TableView<ThreadRow> table = window.threadsView().kit().table();
        int threads = theirs.values().stream().mapToInt(Set::size).sum();
        waitFor("every thread's stack", 60, () -> table.getItems().size() == threads && table.getItems().stream().allMatch(r -> r.frames() > 0));
        Map<Integer, Integer> depth = new java.util.HashMap<>();
        theirs.forEach((pcs, tids) -> tids.forEach(t -> depth.put(t, pcs.size())));
        robot.interact(() -> {
            for (ThreadRow r : table.getItems()) assertThat(r.frames()).as("frames of %s", r.tid()).isEqualTo(depth.get(r.tid().value()));
            assertThat(table.getItems().get(0).crashed()).isTrue();
            assertThat(table.getItems().get(0).location()).startsWith("crash_now");
        });
        List<ThreadRow> unsorted = new ArrayList<>(table.getItems());
        javafx.scene.control.TableColumn<ThreadRow, ?> tid = table.getColumns().stream().filter(c -> "TID".equals(c.getText())).findFirst().orElseThrow();
        robot.interact(() -> {
            tid.setSortType(javafx.scene.control.TableColumn.SortType.DESCENDING);
            table.getSortOrder().setAll(List.of(tid));
        });
        robot.interact(() -> {
            assertThat(table.getItems()).hasSize(threads);
            List<Integer> shown = table.getItems().stream().map(r -> r.tid().value()).toList();
            assertThat(shown).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        });
        robot.clickOn("#threads-filter").write("crash_now");
        robot.interact(() -> {
            assertThat(table.getItems()).singleElement().satisfies(r -> assertThat(r.crashed()).isTrue());
            assertThat(robot.lookup("#threads-count").queryAs(Label.class).getText()).isEqualTo("1 of " + threads + " rows");
        });
        robot.interact(() -> {
            window.threadsView().kit().filterField().clear();
            table.getSortOrder().clear();
        });
        robot.interact(() -> {
            assertThat(table.getItems()).containsExactlyElementsOf(unsorted);
            assertThat(robot.lookup("#threads-count").queryAs(Label.class).getText()).isEqualTo(threads + " rows");
        });
    }

    static Path shot(String name) {
        try {
            return java.nio.file.Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    interface Visit { void node(StackNode n, List<Long> outermostPcs, boolean leaf); }

    static void walk(TreeItem<StackNode> it, List<Long> path, Visit v) {
        for (TreeItem<StackNode> c : it.getChildren()) {
            List<Long> p = new ArrayList<>(path);
            if (!c.getValue().frame().inline()) p.add(c.getValue().frame().pc().value());
            v.node(c.getValue(), p, c.getChildren().isEmpty());
            walk(c, p, v);
        }
    }

    static List<StackNode> find(TreeItem<StackNode> it, String function) {
        List<StackNode> out = new ArrayList<>();
        walk(it, List.of(), (n, p, leaf) -> { if (n.frame().function().map(function::equals).orElse(false)) out.add(n); });
        return out;
    }
}
