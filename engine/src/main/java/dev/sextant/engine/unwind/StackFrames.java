package dev.sextant.engine.unwind;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.elfutils.jna.ResolvedFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One thread's unwound pcs made into symbolized frames, each with the rule that produced it; the same
 * for live processes and cores. Where no module covers a pc, the dynamic tables name it
 * ({@code "[GDB JIT interface]"} as the module); such a frame is marked {@link FrameSource#DYNAMIC_TABLE}
 * when a table's CFI stepped it, else {@link FrameSource#FRAME_POINTER}: libdwfl's fallback for code
 * without unwind information. On the thread that owns the {@link Dwfl}.
 */
public final class StackFrames {
    private StackFrames() {}

    /** {@code stepped[i]}: a dynamic table's CFI found frame i's caller (see {@link Dwfl.FrameStepper}). */
    public static List<StackFrame> of(Dwfl dwfl, long[] pcs, boolean[] activation, boolean[] stepped, Optional<DynamicTables> tables) {
        List<StackFrame> frames = new ArrayList<>(pcs.length + 4);
        for (int i = 0; i < pcs.length; i++) {
            long pc = pcs[i];
            boolean act = activation[i];
            List<ResolvedFrame> rows = dwfl.symbolize(pc, act);
            if (rows.size() == 1 && rows.get(0).module().isEmpty()) {
                Optional<DynamicTables.Code> code = tables.flatMap(t -> t.describe(pc, act));
                FrameSource src = stepped[i] ? FrameSource.DYNAMIC_TABLE : i == 0 ? FrameSource.REGISTERS : FrameSource.FRAME_POINTER;
                frames.add(new StackFrame(frames.size(), Address.of(pc), code.map(c -> "[" + c.origin() + "]"),
                        code.flatMap(DynamicTables.Code::name), code.map(c -> pc - c.start()).orElse(0L),
                        Optional.empty(), OptionalInt.empty(), false, src));
                continue;
            }
            // Frame i was found by stepping frame i-1: with its module's CFI when an FDE covers it,
            // else by libdwfl's fallback, the frame pointer (frames after generated code keep CFI:
            // the table that stepped them is marked on the generated frame itself).
            FrameSource stepRule = i == 0 ? FrameSource.REGISTERS
                    : dwfl.cfiAt(pcs[i - 1], activation[i - 1]) == Dwfl.CfiCoverage.NO_FDE ? FrameSource.FRAME_POINTER : FrameSource.CFI;
            for (ResolvedFrame f : rows) {
                FrameSource src = f.inline() ? FrameSource.INLINE : stepRule;
                frames.add(new StackFrame(frames.size(), Address.of(pc), f.module(), f.function(), f.offset(),
                        f.file(), f.line(), f.inline(), src));
            }
        }
        return frames;
    }

    /** Walks every thread, stepping frames in generated code with {@code tables} when given. */
    public static void walk(Dwfl dwfl, Optional<DynamicTables> tables, TargetMemory memory, java.util.function.BooleanSupplier cancelled,
                            Visitor visitor) {
        Dwfl.FrameStepper stepper = tables.<Dwfl.FrameStepper>map(t -> (pc, act, regs) ->
                t.step(pc, act, regs, memory).map(CfiStep.Result.Caller::registers)).orElse(null);
        dwfl.walkThreads(new Dwfl.ThreadVisitor() {
            @Override public void thread(int tid, long[] pcs, boolean[] activation, Optional<String> stop) {
                thread(tid, pcs, activation, new boolean[pcs.length], stop);
            }
            @Override public void thread(int tid, long[] pcs, boolean[] activation, boolean[] stepped, Optional<String> stop) {
                visitor.thread(tid, of(dwfl, pcs, activation, stepped, tables), stop);
            }
        }, cancelled, stepper);
    }

    /** Receives one thread's frames. */
    @FunctionalInterface
    public interface Visitor {
        void thread(int tid, List<StackFrame> frames, Optional<String> stopReason);
    }
}
