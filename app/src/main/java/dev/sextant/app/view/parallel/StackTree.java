package dev.sextant.app.view.parallel;

import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StackGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Merges stack groups into a tree of common callers, as Visual Studio's Parallel Stacks does: the
 * outermost frames at the roots, a node per frame, children largest first. Two frames merge when
 * they are the same pc (or, {@code byFunction}, the same function of the same module).
 */
final class StackTree {
    private StackTree() {}

    /** A node being built; {@link #freeze} makes the immutable tree. */
    static final class Branch {
        final StackFrame frame;
        final int depth;
        final List<StackGroup> groups = new ArrayList<>();
        final Map<Object, Branch> children = new LinkedHashMap<>();
        int count;
        boolean marked;

        Branch(StackFrame frame, int depth) {
            this.frame = frame;
            this.depth = depth;
        }

        StackNode node() { return new StackNode(frame, depth, count, groups, marked); }

        List<Branch> sortedChildren() {
            List<Branch> out = new ArrayList<>(children.values());
            out.sort(Comparator.comparing((Branch b) -> !b.marked).thenComparing(b -> -b.count));
            return out;
        }
    }

    /** The roots, for the groups {@code keep} accepts; {@code marked} says which groups hold the crashed or stopped thread. */
    static List<Branch> build(List<StackGroup> groups, boolean byFunction, Predicate<StackGroup> marked, Predicate<StackGroup> keep) {
        Branch top = new Branch(null, -1);
        for (StackGroup g : groups) {
            if (!keep.test(g)) continue;
            boolean m = marked.test(g);
            Branch at = top;
            List<StackFrame> frames = g.frames();
            for (int d = 0; d < frames.size(); d++) {
                StackFrame f = frames.get(frames.size() - 1 - d);
                int depth = d;
                at = at.children.computeIfAbsent(key(f, byFunction), k -> new Branch(f, depth));
                at.groups.add(g);
                at.count += g.count();
                at.marked |= m;
            }
        }
        return top.sortedChildren();
    }

    private static Object key(StackFrame f, boolean byFunction) {
        if (byFunction && f.function().isPresent()) return f.module().orElse("") + "!" + f.function().get() + (f.inline() ? "/i" : "");
        return f.pc().value() + (f.inline() ? "/i" + f.function().orElse("") : "");
    }
}
