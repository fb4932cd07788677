package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every thread's frames with their registers as libdwfl unwound them ({@code dwfl_frame_reg}, DWARF
 * numbering): what a frame's variables are read against. Registers libdwfl does not know for a
 * frame (caller-saved ones in callers) are left out of {@link Frame#known}.
 */
public final class FrameWalk {
    private FrameWalk() {}

    /** x86-64 DWARF registers 0..16 (16 is the return address column, the pc). */
    public static final int REGISTERS = 17;
    private static final int MAX_FRAMES = 256;

    /** One physical frame: {@code registers[r]} is valid where bit r of {@code known} is set. */
    public record Frame(long pc, boolean activation, long[] registers, long known) {
        public boolean has(int regno) { return regno >= 0 && regno < 64 && (known & (1L << regno)) != 0; }
    }

    /** Frames of every thread, by tid in libdwfl's order. Needs {@link Dwfl#canStepFrames()}. */
    public static Map<Integer, List<Frame>> walk(Dwfl dwfl) {
        Map<Integer, List<Frame>> out = new LinkedHashMap<>();
        long[] pc = new long[1];
        byte[] isAct = new byte[1];
        List<Frame>[] current = new List[1];
        LibDw.FrameCallback frameCb = (frame, arg) -> {
            if (LibDw.dwfl_frame_pc(frame, pc, isAct) == 0) return LibDw.DWARF_CB_ABORT;
            long[] regs = new long[REGISTERS];
            long known = 0;
            if (FrameRegisters.AVAILABLE) {
                long[] v = new long[1];
                for (int r = 0; r < REGISTERS; r++) {
                    if (FrameRegisters.dwfl_frame_reg(frame, r, v) == 0) {
                        regs[r] = v[0];
                        known |= 1L << r;
                    }
                }
            }
            current[0].add(new Frame(pc[0], isAct[0] != 0, regs, known));
            return current[0].size() >= MAX_FRAMES ? LibDw.DWARF_CB_ABORT : LibDw.DWARF_CB_OK;
        };
        LibDw.ThreadCallback threadCb = (Pointer thread, Pointer arg) -> {
            current[0] = new ArrayList<>();
            LibDw.dwfl_thread_getframes(thread, frameCb, null);
            out.put(LibDw.dwfl_thread_tid(thread), List.copyOf(current[0]));
            return LibDw.DWARF_CB_OK;
        };
        LibDw.dwfl_getthreads(dwfl.handle(), threadCb, null);
        return out;
    }
}
