package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code MINIDUMP_THREAD}: thread id, stack memory and register context. A context that cannot be
 * decoded leaves {@code context} empty and says why in {@code contextProblem}.
 */
public record ThreadRecord(int index, int threadId, long suspendCount, long priorityClass, long priority, long teb,
                           MemoryRegions.Descriptor stack, Optional<ThreadContext> context, Optional<String> contextProblem) {
    public static final int SIZE = 48;
    /** More threads than any real process dump holds; beyond it a list is read in part (each thread costs memory). */
    public static final int MAX_THREADS = 100_000;

    static List<ThreadRecord> readList(ByteReader b, Minidump dump) {
        String w = "ThreadList";
        Minidump.ListHead head = dump.listHead(b, w, SIZE, MAX_THREADS, "threads");
        long start = head.start();
        int count = head.count();
        int arch = dump.systemInfo().map(SystemInfo::processorArchitecture).orElse(SystemInfo.ARCH_UNKNOWN);
        List<ThreadRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long o = start + (long) i * SIZE;
            String wt = "thread " + i;
            int tid = b.s32(wt, o);
            MemoryRegions.Descriptor stack = new MemoryRegions.Descriptor(b.u64(wt + " stack", o + 24),
                    b.u32(wt + " stack", o + 32), b.u32(wt + " stack", o + 36));
            long ctxSize = b.u32(wt + " context", o + 40);
            long ctxRva = b.u32(wt + " context", o + 44);
            Optional<ThreadContext> ctx = Optional.empty();
            Optional<String> problem = Optional.empty();
            try {
                ctx = Optional.of(ThreadContext.read(dump.range(wt + " context", ctxRva, ctxSize), arch));
            } catch (FormatException e) {
                problem = Optional.of(e.getMessage());
                dump.problem("thread " + Integer.toUnsignedString(tid) + ": registers unreadable: " + e.getMessage());
            }
            out.add(new ThreadRecord(i, tid, b.u32(wt, o + 4), b.u32(wt, o + 8), b.u32(wt, o + 12), b.u64(wt, o + 16),
                    stack, ctx, problem));
        }
        return List.copyOf(out);
    }

    /** {@code MINIDUMP_THREAD_NAME_LIST}: thread id → name. */
    static Map<Integer, String> readNames(ByteReader b, Minidump dump) {
        String w = "ThreadNames";
        long count = b.u32(w + " count", 0);
        long start = Minidump.listStart(b, w, count, 4, 12);
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long o = start + (long) i * 12;
            int tid = b.s32(w, o);
            long rva = b.u64(w, o + 4);
            try {
                out.put(tid, dump.utf16String("name of thread " + Integer.toUnsignedString(tid), rva));
            } catch (FormatException e) {
                dump.problem("ThreadNames: " + e.getMessage());
            }
        }
        return out;
    }
}
