package dev.sextant.engine.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The x86-64 SSE and x87 control state of frame {@code frame} of a thread: xmm0–xmm15, mxcsr and the
 * x87 control and status words, read from the FXSAVE area ({@code struct user_fpregs_struct}:
 * PTRACE_GETFPREGS live, the {@code NT_FPREGSET} note of a core). Only frame 0 has them: the CFI
 * does not recover a caller's vector registers, so {@code state} is empty there (gdb's
 * {@code <not saved>}). Immutable.
 */
public record SseRegisters(Tid tid, int frame, Optional<State> state) {
    /** Bytes of the FXSAVE area. */
    public static final int FXSAVE_SIZE = 512;

    /** One 128-bit register as its two little-endian halves. */
    public record Xmm(String name, long low, long high) {
        /** 0x followed by 32 hex digits, most significant first (as gdb's {@code p/x $xmm0.uint128}). */
        public String hex() { return String.format("0x%016x%016x", high, low); }

        public double[] doubles() { return new double[] {Double.longBitsToDouble(low), Double.longBitsToDouble(high)}; }

        public float[] floats() {
            return new float[] {Float.intBitsToFloat((int) low), Float.intBitsToFloat((int) (low >>> 32)),
                    Float.intBitsToFloat((int) high), Float.intBitsToFloat((int) (high >>> 32))};
        }
    }

    /** The registers of an FXSAVE area. */
    public record State(List<Xmm> xmm, int mxcsr, int fcw, int fsw) {
        public State { xmm = List.copyOf(xmm); }
    }

    /**
     * Reads the 512-byte FXSAVE area ({@code fcw} at 0, {@code fsw} at 2, {@code mxcsr} at 24, the
     * sixteen xmm registers from 160); a shorter one fails naming what it holds.
     */
    public static State fxsave(byte[] area) {
        if (area.length < FXSAVE_SIZE) {
            throw new TargetException("the floating point state holds " + area.length + " bytes, not the " + FXSAVE_SIZE + " of FXSAVE: its SSE registers are not shown");
        }
        ByteBuffer b = ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN);
        List<Xmm> xmm = new ArrayList<>(16);
        for (int i = 0; i < 16; i++) xmm.add(new Xmm("xmm" + i, b.getLong(160 + 16 * i), b.getLong(168 + 16 * i)));
        return new State(xmm, b.getInt(24), b.getShort(0) & 0xffff, b.getShort(2) & 0xffff);
    }
}
