package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import java.util.OptionalLong;

/**
 * {@code int dwfl_frame_reg (Dwfl_Frame *state, unsigned regno, Dwarf_Word *val)}: a register of an
 * unwound frame, 0 on success, -1 when libdwfl does not know it. New in elfutils 0.188, so it is bound
 * on its own: with an older libdw, {@link #AVAILABLE} is false and frames in generated code are left
 * to libdwfl.
 */
final class FrameRegisters {
    private FrameRegisters() {}

    static final boolean AVAILABLE;

    static {
        boolean ok;
        try {
            Native.register(FrameRegisters.class, LibDw.DW);
            ok = true;
        } catch (UnsatisfiedLinkError e) {
            ok = false;
        }
        AVAILABLE = ok;
    }

    /** {@code state}: the {@code Dwfl_Frame *} as a raw address (see {@link LibDw.RawFrameCallback}). */
    static native int dwfl_frame_reg(long state, int regno, long[] val);

    static OptionalLong read(long frame, int regno) {
        long[] v = new long[1];
        return dwfl_frame_reg(frame, regno, v) == 0 ? OptionalLong.of(v[0]) : OptionalLong.empty();
    }
}
