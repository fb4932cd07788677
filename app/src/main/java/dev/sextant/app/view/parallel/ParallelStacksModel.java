package dev.sextant.app.view.parallel;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StackGroup;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.control.TreeItem;

/**
 * The Parallel stacks of the current stop: the engine's stack groups ({@code StacksGrouped}, one
 * event per stop, never one row per thread) merged into a tree of common callers, the crashed or
 * stopped thread's path marked. Regrouped at each live stop; emptied while the target runs.
 */
public final class ParallelStacksModel {
    private final ReadOnlyObjectWrapper<TreeItem<StackNode>> root = new ReadOnlyObjectWrapper<>(new TreeItem<>());
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("No target");
    private final BooleanProperty byFunction = new SimpleBooleanProperty(false);
    private final StringProperty filter = new SimpleStringProperty("");
    private DebugEvent.StacksGrouped groups;
    private Optional<Tid> marked = Optional.empty();
    private boolean markedCrashed;
    private long stopId = -1;
    private boolean active = true;
    private boolean stale;

    public ParallelStacksModel() {
        byFunction.addListener((o, a, b) -> rebuild());
        filter.addListener((o, a, b) -> rebuild());
    }

    /** The tree's invisible root; its children are the outermost frames. */
    public ReadOnlyObjectProperty<TreeItem<StackNode>> root() { return root.getReadOnlyProperty(); }

    /** "1,001 threads in 5 stacks" or why there is nothing to show. */
    public ReadOnlyStringProperty summary() { return summary.getReadOnlyProperty(); }

    /** Same function, ignore offsets: frames merge by module and function rather than by pc. */
    public BooleanProperty byFunction() { return byFunction; }

    /** Keeps the stacks that have a frame whose function, module or source contains this text. */
    public StringProperty filter() { return filter; }

    /** The crashing or stopped thread, whose path is marked. */
    public Optional<Tid> marked() { return marked; }

    /** Whether the marked thread crashed (a dump's crashing thread) rather than stopped (a live stop). */
    public boolean markedCrashed() { return markedCrashed; }

    /**
     * Whether the view is shown (its tab selected). A hidden tree is not rebuilt at every stop (a
     * step's regrouping rebuilt it, and laid out its cells, while nobody looked): it is rebuilt
     * once, when shown again.
     */
    public void setActive(boolean shown) {
        FxThread.check();
        active = shown;
        if (shown && stale) rebuild();
    }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        boolean changed = false;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                groups = null;
                marked = o.threads().stream().filter(ThreadInfo::crashed).map(ThreadInfo::tid).findFirst();
                markedCrashed = marked.isPresent();
                summary.set("Unwinding " + o.threads().size() + " threads…");
                changed = true;
            } else if (e instanceof DebugEvent.ProcessStopped p && p.stopId() >= stopId) {
                marked = Optional.of(p.tid());
                markedCrashed = false;          // a breakpoint, a step, a break: stopped, not crashed
            } else if (e instanceof DebugEvent.StacksGrouped g && g.stopId() >= stopId) {
                stopId = g.stopId();
                groups = g;
                changed = true;
            } else if (e instanceof DebugEvent.ProcessResumed r && r.stopId() >= stopId) {
                stopId = r.stopId();
                groups = null;
                summary.set("Running: the stacks are grouped at the next stop");
                changed = true;
            } else if (e instanceof DebugEvent.TargetClosed) {
                groups = null;
                marked = Optional.empty();
                summary.set("No target");
                changed = true;
            }
        }
        if (!changed) return;
        if (active) rebuild();
        else stale = true;
    }

    private void rebuild() {
        stale = false;
        TreeItem<StackNode> top = new TreeItem<>();
        if (groups == null) {
            root.set(top);
            return;
        }
        List<StackGroup> list = byFunction.get() ? groups.byFunction() : groups.byPc();
        String needle = filter.get() == null ? "" : filter.get().strip().toLowerCase(Locale.ROOT);
        int threads = list.stream().mapToInt(StackGroup::count).sum();
        int[] kept = {0, 0};
        for (StackTree.Branch b : StackTree.build(list, byFunction.get(), this::isMarked, g -> {
            boolean keep = needle.isEmpty() || g.frames().stream().anyMatch(f -> matches(f, needle));
            if (keep) { kept[0]++; kept[1] += g.count(); }
            return keep;
        })) {
            top.getChildren().add(item(b));
        }
        summary.set(String.format(Locale.ROOT, "%,d %s in %,d %s%s", threads, threads == 1 ? "thread" : "threads", list.size(),
                list.size() == 1 ? "stack" : "stacks", needle.isEmpty() ? ""
                        : String.format(Locale.ROOT, " (%,d %s, %,d threads, match)", kept[0], kept[0] == 1 ? "stack" : "stacks", kept[1])));
        root.set(top);
    }

    private static TreeItem<StackNode> item(StackTree.Branch b) {
        TreeItem<StackNode> it = new TreeItem<>(b.node());
        for (StackTree.Branch c : b.sortedChildren()) it.getChildren().add(item(c));
        it.setExpanded(true);
        return it;
    }

    private static boolean matches(StackFrame f, String needle) {
        return (f.location() + " " + f.module().orElse("") + " " + f.sourceLine().orElse("")).toLowerCase(Locale.ROOT).contains(needle);
    }

    boolean isMarked(StackGroup g) {
        return g.crashed() || marked.map(t -> contains(g, t)).orElse(false);
    }

    /** Whether {@code tid} is in {@code g} (its tids ascend, unsigned). */
    static boolean contains(StackGroup g, Tid tid) {
        return Collections.binarySearch(g.tids(), tid, (a, b) -> Integer.compareUnsigned(a.value(), b.value())) >= 0;
    }

    /** The tree as indented text, a line per node: threads, function, module, source. */
    public String text() {
        if (stale) rebuild();
        StringBuilder sb = new StringBuilder(summary.get()).append('\n');
        for (TreeItem<StackNode> c : root.get().getChildren()) text(sb, c, 0);
        return sb.toString();
    }

    private static void text(StringBuilder sb, TreeItem<StackNode> it, int indent) {
        StackNode n = it.getValue();
        sb.append(String.format(Locale.ROOT, "%7d  ", n.count())).append("  ".repeat(indent)).append(n.marked() ? "* " : "")
                .append(n.function()).append("  [").append(n.module()).append(']');
        if (!n.source().isEmpty()) sb.append("  ").append(n.source());
        sb.append('\n');
        for (TreeItem<StackNode> c : it.getChildren()) text(sb, c, indent + 1);
    }
}
