package dev.sextant.engine.api;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.List;

/**
 * {@link DumpReport#stackOf}'s index: the position of each thread's first stack in a report's
 * (immutable) stack list, for the list asked last. The text report asks once per thread, and a search
 * of the list each time made printing 10,000 threads' stacks quadratic (more than half of
 * {@code stack --core}'s time). Holds the list weakly and only ints: nothing of a report outlives it.
 */
final class StackIndex {
    private StackIndex() {}

    /** (tid << 32 | position), sorted: a thread's entries in position order. */
    private record Entry(WeakReference<List<ThreadStack>> stacks, long[] keys) {}

    private static volatile Entry last;

    static int position(List<ThreadStack> stacks, Tid tid) {
        Entry e = last;
        if (e == null || e.stacks().get() != stacks) {
            long[] keys = new long[stacks.size()];
            for (int i = 0; i < keys.length; i++) keys[i] = (long) stacks.get(i).tid().value() << 32 | i;
            Arrays.sort(keys);
            e = new Entry(new WeakReference<>(stacks), keys);
            last = e;
        }
        long[] keys = e.keys();
        int at = Arrays.binarySearch(keys, (long) tid.value() << 32);    // position 0 or where the thread's entries begin
        if (at < 0) at = -at - 1;
        return at < keys.length && (int) (keys[at] >> 32) == tid.value() ? (int) keys[at] : -1;
    }
}
