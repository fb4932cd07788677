package dev.sextant.engine.elfutils;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.elfutils.jna.FrameWalk;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The policy of a thread walk: at most {@value #MAX_FRAMES} frames a thread, frames in no module
 * offered to the {@link FrameStepper}, each thread's frames handed on as {@link RawFrame}s. A failing
 * stepper becomes one diagnostic per pc.
 */
final class FrameCollector implements FrameWalk {
    static final int MAX_FRAMES = 256;

    private final Dwfl dwfl;
    private final ThreadVisitor visitor;
    private final BooleanSupplier cancelled;
    private final Optional<FrameStepper> stepper;
    private final Consumer<Diagnostic> diagnostics;
    private final Set<Long> failedAt = new HashSet<>();
    private List<RawFrame> frames = new ArrayList<>();
    private int tid;

    FrameCollector(Dwfl dwfl, ThreadVisitor visitor, BooleanSupplier cancelled, Optional<FrameStepper> stepper,
                   Consumer<Diagnostic> diagnostics) {
        this.dwfl = dwfl;
        this.visitor = visitor;
        this.cancelled = cancelled;
        this.stepper = stepper;
        this.diagnostics = diagnostics;
    }

    @Override public boolean cancelled() { return cancelled.getAsBoolean(); }

    @Override public void thread(int tid) {
        this.tid = tid;
        frames = new ArrayList<>();
    }

    @Override public Next frame(long pc, boolean activation, IntFunction<OptionalLong> registers) {
        frames.add(new RawFrame(pc, activation, false));
        if (frames.size() >= MAX_FRAMES) return Next.STOP;
        if (stepper.isEmpty() || dwfl.hasModule(activation ? pc : pc - 1)) return Next.CONTINUE;
        try {
            Optional<Map<Integer, Long>> caller = stepper.get().step(pc, activation, registers);
            if (caller.isPresent() && caller.get().containsKey(16)) {
                frames.set(frames.size() - 1, new RawFrame(pc, activation, true));
                return new Next.Restart(caller.get());
            }
        } catch (RuntimeException e) {
            if (failedAt.add(pc)) {
                diagnostics.accept(new Diagnostic(Severity.WARNING, "thread " + tid + ": Sextant's CFI stepper failed at 0x"
                        + Long.toHexString(pc) + " (" + e + "); libdwfl unwound that frame instead"));
            }
        }
        return Next.CONTINUE;
    }

    @Override public void threadEnd(Optional<String> error) {
        Optional<String> stop = error.isPresent() ? error
                : frames.size() >= MAX_FRAMES ? Optional.of("stopped after " + MAX_FRAMES + " frames") : Optional.empty();
        visitor.thread(tid, List.copyOf(frames), stop);
    }
}
