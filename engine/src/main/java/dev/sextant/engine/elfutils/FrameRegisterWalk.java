package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.FrameWalk;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * The walk of one thread that finds the registers of its Call-stack row {@code row}: the physical
 * frames are walked and each one's rows counted as {@link Symbolizer#symbolize} makes them (inlined
 * calls first, then the physical frame), so that an inlined row gets its physical frame's registers.
 * At most {@link FrameCollector#MAX_FRAMES} physical frames, as the Call stack.
 */
final class FrameRegisterWalk implements FrameWalk {
    private static final int RAX = 0, RBX = 3, RIP = 16;

    private final Symbolizer symbolizer;
    private final int row;
    private RecoveredFrame inner;
    private RecoveredFrame found;
    private int rows;
    private int frames;

    FrameRegisterWalk(Symbolizer symbolizer, int row) {
        this.symbolizer = symbolizer;
        this.row = row;
    }

    Optional<RecoveredFrame> found() { return Optional.ofNullable(found); }

    @Override public boolean cancelled() { return found != null; }

    @Override public void thread(int tid) {}

    @Override public Next frame(long pc, boolean activation, IntFunction<OptionalLong> registers) {
        RecoveredFrame here = read(pc, registers, inner);
        inner = here;
        frames++;
        rows += Math.max(1, symbolizer.symbolize(pc, activation).size());
        if (rows > row) {
            found = here;
            return Next.STOP;
        }
        return frames >= FrameCollector.MAX_FRAMES ? Next.STOP : Next.CONTINUE;
    }

    @Override public void threadEnd(Optional<String> error) {}

    /**
     * One frame's registers. In a caller frame ({@code inner} present) the SysV x86-64 ABI's rules
     * are applied where libdwfl 0.188's own defaults differ from them: its ABI CFI marks DWARF
     * register 0 (rax, caller-saved) as same-value in the place of 3 (rbx, callee-saved). So rax is
     * not recovered in a caller frame, and rbx, when no CFI rule restored it, keeps the inner frame's value.
     */
    private static RecoveredFrame read(long pc, IntFunction<OptionalLong> registers, RecoveredFrame inner) {
        long[] values = new long[RecoveredFrame.X86_64_REGISTERS];
        boolean[] known = new boolean[RecoveredFrame.X86_64_REGISTERS];
        for (int r = 0; r < RecoveredFrame.X86_64_REGISTERS; r++) {
            OptionalLong v = registers.apply(r);
            known[r] = v.isPresent();
            values[r] = v.orElse(0);
        }
        if (inner != null) {
            known[RAX] = false;
            values[RAX] = 0;
            if (!known[RBX] && inner.known()[RBX]) {
                known[RBX] = true;
                values[RBX] = inner.values()[RBX];
            }
        }
        // The pc is always known for a frame libdwfl reports, even where no rule gave register 16.
        values[RIP] = pc;
        known[RIP] = true;
        return new RecoveredFrame(pc, values, known);
    }
}
