package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.FrameWalk;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/** A thread walk that keeps every frame's registers: at most {@value FrameCollector#MAX_FRAMES} frames a thread, no stepper. */
final class RegisterCollector implements FrameWalk {
    private final Map<Integer, List<UnwoundFrame>> threads = new LinkedHashMap<>();
    private List<UnwoundFrame> frames = new ArrayList<>();
    private int tid;

    Map<Integer, List<UnwoundFrame>> threads() { return threads; }

    @Override public boolean cancelled() { return false; }

    @Override public void thread(int tid) {
        this.tid = tid;
        frames = new ArrayList<>();
    }

    @Override public Next frame(long pc, boolean activation, IntFunction<OptionalLong> registers) {
        long[] regs = new long[UnwoundFrame.REGISTERS];
        long known = 0;
        for (int r = 0; r < UnwoundFrame.REGISTERS; r++) {
            OptionalLong v = registers.apply(r);
            if (v.isPresent()) {
                regs[r] = v.getAsLong();
                known |= 1L << r;
            }
        }
        frames.add(new UnwoundFrame(pc, activation, regs, known));
        return frames.size() >= FrameCollector.MAX_FRAMES ? Next.STOP : Next.CONTINUE;
    }

    @Override public void threadEnd(Optional<String> error) {
        threads.put(tid, List.copyOf(frames));
    }
}
