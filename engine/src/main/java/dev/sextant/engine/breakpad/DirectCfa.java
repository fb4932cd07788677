package dev.sextant.engine.breakpad;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.CfaProgram;
import dev.sextant.engine.unwind.CfiSection;
import dev.sextant.engine.unwind.Cie;
import dev.sextant.engine.unwind.Fde;

/**
 * Runs an FDE's CFA program, after its CIE's initial instructions, straight into {@link CfiRecords}'s
 * rows: the rules are numbers in arrays, with no row or rule objects (the command line runs on C1, which
 * allocates every one; libLLVM has 95,000 FDEs). Rows are laid out as {@link CfaProgram} lays them out:
 * one at every advance of the location and one at the end, or the CIE's row alone for a program of nops.
 * It takes what compilers emit for ordinary code (registers 0-63, a CFA as register + offset, a few
 * remembered states) and declines anything else: a DWARF expression, {@code DW_CFA_set_loc}, an unknown
 * opcode, an operand past the program's end. {@link CfiRecords} then throws away what was written and
 * decodes that FDE with {@link CfaProgram}, which also reports the bad ones. One instance per thread.
 */
final class DirectCfa {
    private static final int REGS = 64, DEPTH = 8;

    private final Frame now = new Frame(), init = new Frame();
    private final Frame[] saved = new Frame[DEPTH];
    private int depth;
    private Cie cie;                 // whose initial instructions made init
    private boolean cieTaken;        // false: the CIE's instructions were declined
    private byte[] code = new byte[256];   // the program being run (its first end bytes; the array is reused),
    private int at, end;                   // and where the next operand is in it
    private boolean declined;
    private long loc;

    /** The rules of one row: a kind (CfiRecords' constants), value and register for each register set in {@code set}. */
    private static final class Frame {
        final byte[] kind = new byte[REGS];
        final long[] value = new long[REGS];
        final int[] source = new int[REGS];
        long set;
        int cfaReg;
        long cfaOffset;

        void copyFrom(Frame f) {
            System.arraycopy(f.kind, 0, kind, 0, REGS);
            System.arraycopy(f.value, 0, value, 0, REGS);
            System.arraycopy(f.source, 0, source, 0, REGS);
            set = f.set; cfaReg = f.cfaReg; cfaOffset = f.cfaOffset;
        }

        void rule(int reg, byte k, long v, int src) {
            kind[reg] = k; value[reg] = v; source[reg] = src;
            set |= 1L << reg;
        }
    }

    /** Writes the FDE's rows into {@code out}; false when it declines the FDE (nothing is then to be kept of what it wrote). */
    boolean run(CfiSection section, Fde fde, CfiRecords out) {
        Cie c = fde.cie();
        int ra = c.returnAddressRegister();
        if (ra < 0 || ra >= REGS) return false;
        try {
            if (c != cie) {
                cie = c;
                init.set = 0; init.cfaReg = -1; init.cfaOffset = 0;
                cieTaken = false;
                cieTaken = exec(section.data(), c.instructionsOffset(), c.instructionsLength(), c, init, null, null, 0) != RUN_DECLINED;
            }
            if (!cieTaken) return false;
            now.copyFrom(init);
            int r = exec(section.data(), fde.instructionsOffset(), fde.instructionsLength(), c, now, init, out, fde.pcBegin());
            if (r == RUN_DECLINED) return false;
            if (r == RUN_NOPS) return emit(out, ra, fde.pcBegin());
            return emit(out, ra, loc);
        } catch (FormatException e) {
            return false;
        }
    }

    private static final int RUN_DECLINED = 0, RUN_NOPS = 1, RUN_ROWS = 2;

    /**
     * Runs one program on {@code f}: the CIE's ({@code base} null, no rows) or an FDE's (rows into
     * {@code out} at each advance, {@code base} the CIE's state for DW_CFA_restore). The last row, at the
     * end, is the caller's to write.
     */
    private int exec(ByteReader data, long offset, int length, Cie c, Frame f, Frame base, CfiRecords out, long pcBegin) {
        if (length < 0) throw FormatException.outOfBounds("CFA program", offset, length);
        if (length > code.length) code = new byte[Math.max(length, code.length * 2)];
        data.copy("CFA program", offset, code, length);
        end = length;
        at = 0;
        declined = false;
        depth = 0;
        loc = pcBegin;
        long caf = c.codeAlignment(), daf = c.dataAlignment();
        int ra = c.returnAddressRegister();
        int rows = 0;
        boolean onlyNops = true;
        while (at < end) {
            int op = code[at++] & 0xff;
            if (op != 0) onlyNops = false;
            int lo = op & 0x3f;
            long advance = 0;
            boolean advances = false;
            switch (op & 0xc0) {
                case 0x40 -> { advance = lo * caf; advances = true; }
                case 0x80 -> f.rule(lo, CfiRecords.AT_CFA, uleb() * daf, 0);
                case 0xc0 -> restore(f, base, lo);
                default -> {
                    switch (op) {
                        case 0x00, 0x2d -> { }     // nop; GNU_window_save / AARCH64_negate_ra_state change no column
                        case 0x02 -> { advance = u8() * caf; advances = true; }
                        case 0x03 -> { advance = (at + 2 <= end ? data.u16("CFA program", offset + at) : 0) * caf; at += 2; advances = true; }
                        case 0x04 -> { advance = (at + 4 <= end ? data.u32("CFA program", offset + at) : 0) * caf; at += 4; advances = true; }
                        case 0x05 -> { int reg = reg(uleb()); f.rule(reg & (REGS - 1), CfiRecords.AT_CFA, uleb() * daf, 0); }
                        case 0x11 -> { int reg = reg(uleb()); f.rule(reg & (REGS - 1), CfiRecords.AT_CFA, sleb() * daf, 0); }
                        case 0x2f -> { int reg = reg(uleb()); f.rule(reg & (REGS - 1), CfiRecords.AT_CFA, -(uleb() * daf), 0); }
                        case 0x14 -> { int reg = reg(uleb()); f.rule(reg & (REGS - 1), CfiRecords.CFA_PLUS, uleb() * daf, 0); }
                        case 0x15 -> { int reg = reg(uleb()); f.rule(reg & (REGS - 1), CfiRecords.CFA_PLUS, sleb() * daf, 0); }
                        case 0x06 -> restore(f, base, reg(uleb()) & (REGS - 1));
                        case 0x07 -> f.rule(reg(uleb()) & (REGS - 1), CfiRecords.UNDEF, 0, 0);
                        case 0x08 -> { int reg = reg(uleb()) & (REGS - 1); f.rule(reg, CfiRecords.IN_REG, 0, reg); }
                        case 0x09 -> { int reg = reg(uleb()) & (REGS - 1); f.rule(reg, CfiRecords.IN_REG, 0, reg(uleb())); }
                        case 0x0a -> {
                            if (depth == DEPTH) return RUN_DECLINED;
                            if (saved[depth] == null) saved[depth] = new Frame();
                            saved[depth++].copyFrom(f);
                        }
                        case 0x0b -> {
                            if (depth == 0) return RUN_DECLINED;
                            f.copyFrom(saved[--depth]);     // the rules only: the location stays
                        }
                        case 0x0c -> { f.cfaReg = cfaReg(uleb()); f.cfaOffset = uleb(); }
                        case 0x12 -> { f.cfaReg = cfaReg(uleb()); f.cfaOffset = sleb() * daf; }
                        case 0x0d -> f.cfaReg = cfaReg(uleb());
                        case 0x0e -> f.cfaOffset = uleb();
                        case 0x13 -> f.cfaOffset = sleb() * daf;
                        case 0x2e -> uleb();       // GNU_args_size
                        default -> { return RUN_DECLINED; }
                    }
                }
            }
            if (declined || at > end) return RUN_DECLINED;
            if (advances) {
                if (out != null) {
                    if (++rows >= CfaProgram.MAX_ROWS || !emit(out, ra, loc)) return RUN_DECLINED;
                }
                loc += advance;
            }
        }
        return onlyNops ? RUN_NOPS : RUN_ROWS;
    }

    private void restore(Frame f, Frame base, int reg) {
        if (base != null && (base.set & 1L << reg) != 0) f.rule(reg, base.kind[reg], base.value[reg], base.source[reg]);
        else f.set &= ~(1L << reg);
    }

    /** The row of {@link #now} at {@code location} into {@code out}, as CfiRecords' fill makes it from a CfiRow. */
    private boolean emit(CfiRecords out, int ra, long location) {
        Frame f = now;
        if (f.cfaReg < 0) return false;
        CfiRecords.Rules r = out.nextRow();
        // Each key once (the CFA, each register of the set, the return address as .ra once): appended, not looked up
        r.append(CfiRecords.CFA, CfiRecords.REG_OFFSET, f.cfaOffset, f.cfaReg);
        for (long bits = f.set; bits != 0; bits &= bits - 1) {
            int reg = Long.numberOfTrailingZeros(bits);
            r.append(reg == ra ? CfiRecords.RA : reg, f.kind[reg], f.value[reg], f.source[reg]);
        }
        if ((f.set & 1L << ra) == 0) r.append(CfiRecords.RA, CfiRecords.IN_REG, 0, ra);
        out.row(location);
        return true;
    }

    private int u8() {
        if (at >= end) { declined = true; return 0; }
        return code[at++] & 0xff;
    }

    /** A register number this interpreter keeps (0-63); any other declines the program. */
    private int reg(long v) {
        if (v < 0 || v >= REGS) declined = true;
        return (int) v;
    }

    /** A CFA register: any DWARF number CfaProgram accepts. */
    private int cfaReg(long v) {
        if (v < 0 || v > CfaProgram.MAX_REGISTER) { declined = true; return 0; }
        return (int) v;
    }

    private long uleb() { return leb(false); }

    private long sleb() { return leb(true); }

    /** As ByteReader's LEB128: at most 10 bytes. */
    private long leb(boolean signed) {
        long result = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            if (at >= end) { declined = true; return 0; }
            int b = code[at++] & 0xff;
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                if (signed && shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
                return result;
            }
        }
        declined = true;
        return 0;
    }
}
