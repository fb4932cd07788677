package dev.sextant.engine.dump;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.format.minidump.MemoryRegions;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.format.minidump.ThreadContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Walks a stack over a dump's saved memory without unwind tables: frame 0 from the registers, then
 * the saved frame-pointer chain (x86 {@code ebp}, x86-64 {@code rbp}, arm64 {@code x29}), and where
 * the chain breaks a scan of the stack for words that point into a module. Every frame says which
 * rule found it. The stack pointer must grow with every frame and the walk is capped, so a looping
 * or hostile stack ends the walk rather than hanging it. Not thread-safe: one walker per dump, one thread.
 */
public final class MemoryStackWalker {
    public static final int MAX_FRAMES = 256;
    /** How many words above the stack pointer a scan looks at for one frame (Breakpad looks at 40–120). */
    public static final int SCAN_WORDS = 160;

    /**
     * Work budgets for all walks of one walker (one dump) together. A hostile dump can list a million
     * threads sharing one stack full of return addresses; the budgets keep the time and memory of a
     * whole dump bounded, and threads walked after they run out get frame 0 and say why.
     */
    public static final long FRAME_BUDGET = 500_000, READ_BUDGET = 20_000_000;

    private final MemoryRegions memory;
    private final List<ModuleRecord> modules;
    private long framesLeft = FRAME_BUDGET, readsLeft = READ_BUDGET;

    public MemoryStackWalker(MemoryRegions memory, List<ModuleRecord> modules) {
        this.memory = memory;
        List<ModuleRecord> sorted = new ArrayList<>(modules);
        sorted.sort(Comparator.comparingLong(m -> m.base() ^ Long.MIN_VALUE));
        this.modules = List.copyOf(sorted);
    }

    private record Step(long pc, long sp, long fp, FrameSource source) {}

    public ThreadStack walk(Tid tid, ThreadContext ctx) {
        int ws = ctx.wordSize();
        // A return into arm Thumb code has the low bit set (as bl and blx leave lr); the frame's pc is the
        // instruction's address without it, as libdwfl and eu-stack give it.
        long pcMask = ctx.arch().equals("arm") ? ~1L : ~0L;
        List<StackFrame> frames = new ArrayList<>();
        frames.add(frame(0, ctx.pc(), FrameSource.REGISTERS));
        long sp = ctx.sp(), fp = ctx.fp();
        Optional<String> stop = Optional.empty();
        while (true) {
            if (frames.size() >= MAX_FRAMES) { stop = Optional.of("stopped after " + MAX_FRAMES + " frames"); break; }
            if (framesLeft <= 0 || readsLeft <= 0) { stop = Optional.of("the stack-walk budget for this dump is used up"); break; }
            Step next = framePointerStep(sp, fp, ws);
            if (next == null) next = scanStep(sp, fp, ws);
            if (next == null) {
                if (memory.readWord(sp, ws).isEmpty()) stop = Optional.of("the stack at 0x" + Long.toHexString(sp) + " is not in the dump");
                break;
            }
            if (Long.compareUnsigned(next.sp(), sp) <= 0) { stop = Optional.of("the stack pointer did not grow"); break; }
            frames.add(frame(frames.size(), next.pc() & pcMask, next.source()));
            framesLeft--;
            sp = next.sp();
            fp = next.fp();
        }
        return new ThreadStack(tid, frames, stop);
    }

    private Step framePointerStep(long sp, long fp, int ws) {
        if (fp == 0 || (fp & (ws - 1)) != 0 || Long.compareUnsigned(fp, sp) < 0) return null;
        if (Long.compareUnsigned(fp - sp, 16L << 20) > 0) return null; // a frame of more than 16 MiB is not a frame
        readsLeft -= 2;
        OptionalLong savedFp = memory.readWord(fp, ws);
        OptionalLong ret = memory.readWord(fp + ws, ws);
        if (savedFp.isEmpty() || ret.isEmpty() || !inModule(ret.getAsLong())) return null;
        long next = savedFp.getAsLong();
        // A caller's frame is above ours; anything else ends the chain (the scan may still go on).
        if (next != 0 && Long.compareUnsigned(next, fp) <= 0) next = 0;
        return new Step(ret.getAsLong(), fp + 2L * ws, next, FrameSource.FRAME_POINTER);
    }

    private Step scanStep(long sp, long fp, int ws) {
        long aligned = sp & -(long) ws;
        for (int i = 0; i < SCAN_WORDS; i++) {
            long slot = aligned + (long) i * ws;
            if (--readsLeft < 0) return null;
            OptionalLong v = memory.readWord(slot, ws);
            if (v.isEmpty()) return null;
            // Module headers hold no code: a word pointing there is a base address kept on the stack, not a return.
            if (!inModule(v.getAsLong()) || v.getAsLong() - moduleAt(v.getAsLong()).get().base() < 0x100) continue;
            long newSp = slot + ws;
            // If the word below the return address is a plausible saved frame pointer, the callee pushed it.
            long newFp = Long.compareUnsigned(fp, newSp) >= 0 ? fp : 0;
            OptionalLong below = i > 0 ? memory.readWord(slot - ws, ws) : OptionalLong.empty();
            if (below.isPresent() && Long.compareUnsigned(below.getAsLong(), newSp) > 0
                    && memory.regionAt(below.getAsLong()).isPresent()) {
                newFp = below.getAsLong();
            }
            return new Step(v.getAsLong(), newSp, newFp, FrameSource.STACK_SCAN);
        }
        return null;
    }

    Optional<ModuleRecord> moduleAt(long pc) {
        int lo = 0, hi = modules.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(modules.get(mid).base(), pc) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (found < 0) return Optional.empty();
        ModuleRecord m = modules.get(found);
        return Long.compareUnsigned(pc - m.base(), m.size()) < 0 ? Optional.of(m) : Optional.empty();
    }

    private boolean inModule(long pc) { return pc != 0 && moduleAt(pc).isPresent(); }

    StackFrame frame(int index, long pc, FrameSource source) {
        Optional<ModuleRecord> m = moduleAt(pc);
        return new StackFrame(index, Address.of(pc), m.map(ModuleRecord::shortName), Optional.empty(),
                m.map(r -> pc - r.base()).orElse(0L), Optional.empty(), OptionalInt.empty(), false, source);
    }
}
