package dev.sextant.engine.unwind;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.elfutils.CfiCoverage;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.FrameStepper;
import dev.sextant.engine.elfutils.RawFrame;
import dev.sextant.engine.elfutils.ResolvedFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One thread's unwound pcs made into symbolized frames, each with the rule that produced it; the same
 * for live processes and cores. Where no module covers a pc, the dynamic tables name it
 * ({@code "[GDB JIT interface]"} as the module); such a frame is marked {@link FrameSource#DYNAMIC_TABLE}
 * when a table's CFI stepped it, else {@link FrameSource#FRAME_POINTER}: libdwfl's fallback for code
 * without unwind information. On the thread that owns the {@link ElfSession}.
 */
public final class StackFrames {
    private StackFrames() {}

    /** Frames as unwound ({@link RawFrame#stepped()}: a dynamic table's CFI found the frame's caller), symbolized. */
    public static List<StackFrame> of(ElfSession session, List<RawFrame> raw, Optional<DynamicTables> tables) {
        List<StackFrame> frames = new ArrayList<>(raw.size() + 4);
        for (int i = 0; i < raw.size(); i++) {
            long pc = raw.get(i).pc();
            boolean act = raw.get(i).activation();
            List<ResolvedFrame> rows = session.symbolize(pc, act);
            if (rows.size() == 1 && rows.get(0).module().isEmpty()) {
                Optional<DynamicTables.Code> code = tables.flatMap(t -> t.describe(pc, act));
                FrameSource src = raw.get(i).stepped() ? FrameSource.DYNAMIC_TABLE : i == 0 ? FrameSource.REGISTERS : FrameSource.FRAME_POINTER;
                frames.add(new StackFrame(frames.size(), Address.of(pc), code.map(c -> "[" + c.origin() + "]"),
                        code.flatMap(DynamicTables.Code::name), code.map(c -> pc - c.start()).orElse(0L),
                        Optional.empty(), OptionalInt.empty(), false, src));
                continue;
            }
            // Frame i was found by stepping frame i-1: with its module's CFI when an FDE covers it,
            // else by libdwfl's fallback, the frame pointer (frames after generated code keep CFI:
            // the table that stepped them is marked on the generated frame itself).
            RawFrame callee = i == 0 ? null : raw.get(i - 1);
            FrameSource stepRule = callee == null ? FrameSource.REGISTERS
                    : session.cfiAt(callee.pc(), callee.activation()) == CfiCoverage.NO_FDE ? FrameSource.FRAME_POINTER : FrameSource.CFI;
            for (ResolvedFrame f : rows) {
                FrameSource src = f.inline() ? FrameSource.INLINE : stepRule;
                frames.add(new StackFrame(frames.size(), Address.of(pc), f.module(), f.function(), f.offset(),
                        f.file(), f.line(), f.inline(), src));
            }
        }
        return frames;
    }

    /**
     * Walks every thread, stepping frames in generated code with {@code tables} when given; a table
     * whose stepping fails is told to {@code diagnostics} and the frame left to libdwfl.
     */
    public static void walk(ElfSession session, Optional<DynamicTables> tables, TargetMemory memory, BooleanSupplier cancelled,
                            Consumer<Diagnostic> diagnostics, Visitor visitor) {
        Optional<FrameStepper> stepper = tables.map(t -> (pc, act, regs) ->
                t.step(pc, act, regs, memory).map(CfiStep.Result.Caller::registers));
        // Threads parked in the same place unwind to the same frames: they share one immutable list,
        // symbolized once (100,000 threads in 5 stacks made 800,000 equal frames, and as many rows downstream).
        Map<List<RawFrame>, List<StackFrame>> made = new HashMap<>();
        session.walkThreads((tid, frames, stop) -> {
            List<StackFrame> symbolized = made.get(frames);
            if (symbolized == null) {
                symbolized = List.copyOf(of(session, frames, tables));
                if (made.size() < MAX_SHARED) made.put(frames, symbolized);
            }
            visitor.thread(tid, symbolized, stop);
        }, cancelled, stepper, diagnostics);
    }

    /** Distinct stacks remembered for sharing in one walk: every thread in a stack of its own costs no more than this. */
    private static final int MAX_SHARED = 65_536;

    /** Receives one thread's frames. */
    @FunctionalInterface
    public interface Visitor {
        void thread(int tid, List<StackFrame> frames, Optional<String> stopReason);
    }
}
