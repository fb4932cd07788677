package dev.sextant.engine.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Threads whose stacks are the same: the same pcs frame by frame (or, {@link #byFunction}, the
 * same functions of the same modules, offsets ignored), as {@code pstack | sort | uniq -c} and
 * Visual Studio's Parallel Stacks group them. {@code frames} are the first thread's. Immutable;
 * any thread may build it.
 *
 * @param tids    the threads, by ascending id
 * @param frames  the stack they share, innermost first
 * @param crashed whether a thread of the group is the crashing or stopped one
 */
public record StackGroup(List<Tid> tids, List<StackFrame> frames, boolean crashed) {
    public StackGroup {
        tids = List.copyOf(tids);
        frames = List.copyOf(frames);
    }

    public int count() { return tids.size(); }

    /** Groups by identical pcs, largest first (equal sizes keep the order of their first thread). */
    public static List<StackGroup> byPc(List<ThreadStack> stacks, Set<Tid> crashed) {
        return group(stacks, crashed, false);
    }

    /** Groups by the same function in the same module at each frame, offsets ignored; an unnamed frame keeps its pc. */
    public static List<StackGroup> byFunction(List<ThreadStack> stacks, Set<Tid> crashed) {
        return group(stacks, crashed, true);
    }

    private static List<StackGroup> group(List<ThreadStack> stacks, Set<Tid> crashed, boolean byFunction) {
        Map<List<Object>, List<ThreadStack>> groups = new LinkedHashMap<>();
        // Threads unwound to the same frames share one list (the engine's walk, and the pipe, keep it one instance):
        // its key is made once, not once per thread.
        Map<List<StackFrame>, List<ThreadStack>> byList = new IdentityHashMap<>();
        for (ThreadStack st : stacks) {
            List<ThreadStack> members = byList.get(st.frames());
            if (members == null) {
                members = groups.computeIfAbsent(key(st, byFunction), k -> new ArrayList<>());
                byList.put(st.frames(), members);
            }
            members.add(st);
        }
        List<StackGroup> out = new ArrayList<>(groups.size());
        for (List<ThreadStack> members : groups.values()) {
            List<Tid> tids = members.stream().map(ThreadStack::tid)
                    .sorted(Comparator.comparingLong(t -> Integer.toUnsignedLong(t.value()))).toList();
            out.add(new StackGroup(tids, members.get(0).frames(), tids.stream().anyMatch(crashed::contains)));
        }
        out.sort(Comparator.comparingInt(StackGroup::count).reversed());   // stable: ties keep their first-seen order
        return out;
    }

    private static List<Object> key(ThreadStack st, boolean byFunction) {
        List<Object> key = new ArrayList<>(st.frames().size());
        for (StackFrame f : st.frames()) {
            if (byFunction && f.function().isPresent()) key.add(f.module().orElse("") + "!" + f.function().get() + (f.inline() ? "/i" : ""));
            else key.add(f.inline() ? f.pc().value() + "/i" + f.function().orElse("") : f.pc().value());
        }
        return key;
    }
}
