package dev.sextant.app.view.parallel;

import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StackGroup;
import dev.sextant.engine.api.Tid;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of the Parallel stacks tree: a frame that {@code count} threads share, with the same
 * callers above it ({@code depth} frames from the outermost). Immutable.
 *
 * @param groups the stack groups that pass through this frame
 * @param marked whether the crashing or stopped thread's stack passes through it
 */
public record StackNode(StackFrame frame, int depth, int count, List<StackGroup> groups, boolean marked) {
    public StackNode {
        groups = List.copyOf(groups);
    }

    public String function() {
        return frame.function().map(f -> frame.inline() ? f + " (inlined)" : f).orElse(frame.pc().toString());
    }

    public String module() { return frame.module().orElse("?"); }

    public String source() { return frame.sourceLine().orElse(""); }

    /** This frame's row in the Call stack of a thread of {@code g} (inlined calls count as rows). */
    public int frameIndex(StackGroup g) {
        return g.frames().get(g.frames().size() - 1 - depth).index();
    }

    /** The group of {@code tid}, when it passes through this node. */
    public java.util.Optional<StackGroup> groupOf(Tid tid) {
        return groups.stream().filter(g -> ParallelStacksModel.contains(g, tid)).findFirst();
    }

    /** Every thread through this node, group after group (each group's by ascending id). */
    public List<Tid> threads() {
        List<Tid> out = new ArrayList<>(count);
        for (StackGroup g : groups) out.addAll(g.tids());
        return out;
    }

    String searchText() {
        return function() + " " + module() + " " + source();
    }
}
