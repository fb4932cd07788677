package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Runs a CIE's initial instructions and an FDE's CFA program into rows, the way
 * {@code readelf --debug-dump=frames-interp} lays them out: one row at every advance of the location
 * and one at the end (none for a program of nothing but {@code DW_CFA_nop}, where the CIE's row holds).
 * A program is linear and bounded by its length, so it always ends; hostile programs are further
 * bounded in rows, remembered-state depth and register numbers, and an unknown opcode is a typed error.
 */
public final class CfaProgram {
    /** Registers above this are refused: no real ABI numbers its DWARF registers this high. */
    public static final int MAX_REGISTER = 4095;
    public static final int MAX_ROWS = 1 << 20;
    public static final int MAX_REMEMBERED = 1024;

    /**
     * The decoded table of one FDE: its rows, the registers any instruction of the CIE or FDE
     * mentions (readelf's columns, ascending) and whether the FDE's own program was only nops.
     * {@code setsLocation}: a {@code DW_CFA_set_loc} placed a row at an absolute address, so the rows
     * are not simply offsets from the FDE's start (another FDE with the same program bytes would not
     * get the same rows shifted).
     */
    public record Table(Fde fde, List<CfiRow> rows, int[] columns, boolean onlyNops, boolean setsLocation) {
        /** The row in effect at {@code pc}, or null when {@code pc} is before the first row. */
        public CfiRow rowAt(long pc) {
            CfiRow found = null;
            for (CfiRow r : rows) {
                if (Long.compareUnsigned(r.location(), pc) <= 0) found = r; else break;
            }
            return found;
        }
    }

    private CfaProgram() {}

    /** Decodes {@code fde}'s rows. Throws {@link FormatException} for a program it cannot run. */
    public static Table decode(CfiSection section, Fde fde) {
        Cie cie = fde.cie();
        State init = new State(cie.returnAddressRegister());
        BitSet columns = new BitSet();
        run(section, cie, cie.instructionsOffset(), cie.instructionsLength(), init, null, columns, null, 0);
        State s = init.copy();
        List<CfiRow> rows = new ArrayList<>();
        boolean onlyNops = run(section, cie, fde.instructionsOffset(), fde.instructionsLength(), s, init, columns, rows, fde.pcBegin());
        boolean setsLocation = s.setLoc;
        if (onlyNops) {
            rows.clear();
            rows.add(s.row(fde.pcBegin()));
        }
        int[] cols = new int[columns.cardinality()];
        for (int i = columns.nextSetBit(0), k = 0; i >= 0; i = columns.nextSetBit(i + 1)) cols[k++] = i;
        return new Table(fde, rows, cols, onlyNops, setsLocation);
    }

    /** The CIE's own row (its initial instructions at location 0), as readelf prints under the CIE. */
    public static CfiRow initialRow(CfiSection section, Cie cie) {
        State init = new State(cie.returnAddressRegister());
        run(section, cie, cie.instructionsOffset(), cie.instructionsLength(), init, null, new BitSet(), null, 0);
        return init.row(0);
    }

    /** Mutable interpreter state: the current row being built. */
    private static final class State {
        long loc;
        int cfaReg = -1;
        long cfaOffset;
        CfaRule.Expression cfaExpr;
        RegisterRule[] regs = new RegisterRule[20];
        final int ra;
        boolean setLoc;
        // the last row's parts, reused while unchanged: most rows differ from the previous one in one rule
        private List<RegisterRule> lastRegs;
        private CfaRule lastCfa;

        State(int ra) { this.ra = ra; }

        State copy() {
            State c = new State(ra);
            c.loc = loc; c.cfaReg = cfaReg; c.cfaOffset = cfaOffset; c.cfaExpr = cfaExpr; c.setLoc = setLoc;
            c.regs = regs.clone();
            return c;
        }

        void set(int reg, RegisterRule rule) {
            if (reg >= regs.length) regs = Arrays.copyOf(regs, Math.max(reg + 1, regs.length * 2));
            regs[reg] = rule;
            lastRegs = null;
        }

        void restore(State saved) {
            regs = saved.regs; cfaReg = saved.cfaReg; cfaOffset = saved.cfaOffset; cfaExpr = saved.cfaExpr;
            lastRegs = null;
        }

        RegisterRule get(int reg) { return reg < regs.length ? regs[reg] : null; }

        CfiRow row(long at) {
            CfaRule cfa;
            if (cfaExpr != null) cfa = cfaExpr;
            else if (lastCfa instanceof CfaRule.RegisterOffset ro && ro.register() == cfaReg && ro.offset() == cfaOffset) cfa = lastCfa;
            else cfa = new CfaRule.RegisterOffset(cfaReg, cfaOffset);
            lastCfa = cfa;
            if (lastRegs == null) {
                int n = 0;
                for (RegisterRule r : regs) if (r != null) n++;
                RegisterRule[] arr = new RegisterRule[n];
                n = 0;
                for (RegisterRule r : regs) if (r != null) arr[n++] = r;
                lastRegs = List.of(arr);
            }
            return new CfiRow(at, cfa, lastRegs);
        }
    }

    private static int reg(long value, ByteReader r, long at, String w) {
        if (value < 0 || value > MAX_REGISTER) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, r.base() + at, w, "register number " + value + " is out of range");
        }
        return (int) value;
    }

    /** Runs one program; returns true if it held nothing but nops. */
    private static boolean run(CfiSection section, Cie cie, long start, int length, State s, State init,
                               BitSet columns, List<CfiRow> rows, long pcBegin) {
        ByteReader r = section.data();
        String w = init == null ? "CIE initial instructions" : "FDE CFA program";   // the error's offset says where
        long caf = cie.codeAlignment(), daf = cie.dataAlignment();
        long p = start, end = start + length;
        s.loc = pcBegin;
        boolean onlyNops = true;
        ArrayDeque<State> remembered = null;   // most programs never remember a state
        while (p < end) {
            long opAt = p;
            int op = r.u8(w, p++);
            int hi = op & 0xc0, lo = op & 0x3f;
            if (op != 0) onlyNops = false;
            if (hi == 0x40) { advance(s, rows, lo * caf, r, opAt, w); continue; }
            if (hi == 0x80) {
                long value;
                int b = r.u8(w, p);
                if (b < 0x80) { value = b; p++; }   // one byte, as almost always: no Leb128 object
                else { ByteReader.Leb128 o = r.uleb128(w, p); p += o.length(); value = o.value(); }
                columns.set(lo);
                s.set(lo, new RegisterRule.Offset(lo, value * daf));
                continue;
            }
            if (hi == 0xc0) { columns.set(lo); s.set(lo, init == null ? null : init.get(lo)); continue; }
            switch (op) {
                case 0x00 -> { }
                case 0x02 -> { advance(s, rows, r.u8(w, p) * caf, r, opAt, w); p += 1; }
                case 0x03 -> { advance(s, rows, r.u16(w, p) * caf, r, opAt, w); p += 2; }
                case 0x04 -> { advance(s, rows, r.u32(w, p) * caf, r, opAt, w); p += 4; }
                case 0x0a -> {
                    if (remembered == null) remembered = new ArrayDeque<>();
                    if (remembered.size() >= MAX_REMEMBERED) {
                        throw new FormatException(FormatException.Kind.INCONSISTENT, r.base() + opAt, w, "more than " + MAX_REMEMBERED + " remembered states");
                    }
                    remembered.push(s.copy());
                }
                case 0x0b -> {
                    State saved = remembered == null ? null : remembered.poll();
                    if (saved == null) {
                        throw new FormatException(FormatException.Kind.INCONSISTENT, r.base() + opAt, w, "DW_CFA_restore_state without a remembered state");
                    }
                    s.restore(saved);
                }
                case 0x0c, 0x12 -> {   // def_cfa, def_cfa_sf
                    ByteReader.Leb128 g = r.uleb128(w, p); p += g.length();
                    ByteReader.Leb128 o = op == 0x12 ? r.sleb128(w, p) : r.uleb128(w, p); p += o.length();
                    s.cfaReg = reg(g.value(), r, opAt, w);
                    s.cfaOffset = op == 0x12 ? o.value() * daf : o.value();
                    s.cfaExpr = null;
                }
                case 0x0d -> {
                    ByteReader.Leb128 g = r.uleb128(w, p); p += g.length();
                    s.cfaReg = reg(g.value(), r, opAt, w);
                    s.cfaExpr = null;
                }
                case 0x0e -> {   // def_cfa_offset: keeps an expression CFA, as readelf does
                    int b = r.u8(w, p);
                    if (b < 0x80) { s.cfaOffset = b; p++; }
                    else { ByteReader.Leb128 o = r.uleb128(w, p); p += o.length(); s.cfaOffset = o.value(); }
                }
                case 0x13 -> {   // def_cfa_offset_sf
                    ByteReader.Leb128 o = r.sleb128(w, p); p += o.length();
                    s.cfaOffset = o.value() * daf;
                }
                case 0x2e -> { ByteReader.Leb128 a = r.uleb128(w, p); p += a.length(); }   // GNU_args_size
                default -> p = rare(op, p, opAt, end, section, cie, s, init, columns, rows, pcBegin, w);
            }
        }
        if (p > end) {
            throw new FormatException(FormatException.Kind.TRUNCATED, r.base() + end, w, "last instruction runs past the end of the program");
        }
        if (rows != null && !onlyNops) addRow(s, rows, r, end, w);
        return onlyNops;
    }

    /**
     * The opcodes real compilers emit rarely, kept out of {@link #run}'s loop so that the hot
     * method stays small for the JIT. Returns the offset after the instruction.
     */
    private static long rare(int op, long p, long opAt, long end, CfiSection section, Cie cie, State s, State init,
                             BitSet columns, List<CfiRow> rows, long pcBegin, String w) {
        ByteReader r = section.data();
        long caf = cie.codeAlignment(), daf = cie.dataAlignment();
        switch (op) {
                case 0x01 -> {   // DW_CFA_set_loc
                    PointerEncoding.Decoded d = section.kind() == CfiSection.Kind.EH_FRAME
                            ? PointerEncoding.read(r, p, cie.fdeEncoding(), cie.addressSize(), section.bases(), pcBegin, w)
                            : PointerEncoding.read(r, p, PointerEncoding.ABSPTR, cie.addressSize(), section.bases(), 0, w);
                    p += d.length();
                    if (rows != null) addRow(s, rows, r, opAt, w);
                    s.loc = d.value();
                    s.setLoc = true;
                }
                case 0x1d -> { advance(s, rows, r.u64(w, p) * caf, r, opAt, w); p += 8; }   // DW_CFA_MIPS_advance_loc8
                case 0x05, 0x11, 0x14, 0x15, 0x2f -> {   // offset_extended(_sf), val_offset(_sf), GNU_negative_offset_extended
                    ByteReader.Leb128 g = r.uleb128(w, p); p += g.length();
                    int reg = reg(g.value(), r, opAt, w);
                    boolean signed = op == 0x11 || op == 0x15;
                    ByteReader.Leb128 o = signed ? r.sleb128(w, p) : r.uleb128(w, p); p += o.length();
                    long off = o.value() * daf;
                    if (op == 0x2f) off = -off;
                    columns.set(reg);
                    s.set(reg, op == 0x14 || op == 0x15 ? new RegisterRule.ValOffset(reg, off) : new RegisterRule.Offset(reg, off));
                }
                case 0x06, 0x07, 0x08 -> {   // restore_extended, undefined, same_value
                    ByteReader.Leb128 g = r.uleb128(w, p); p += g.length();
                    int reg = reg(g.value(), r, opAt, w);
                    columns.set(reg);
                    s.set(reg, op == 0x06 ? (init == null ? null : init.get(reg))
                            : op == 0x07 ? new RegisterRule.Undefined(reg) : new RegisterRule.SameValue(reg));
                }
                case 0x09 -> {   // register
                    ByteReader.Leb128 g = r.uleb128(w, p); p += g.length();
                    ByteReader.Leb128 g2 = r.uleb128(w, p); p += g2.length();
                    int reg = reg(g.value(), r, opAt, w);
                    columns.set(reg);
                    s.set(reg, new RegisterRule.InRegister(reg, reg(g2.value(), r, opAt, w)));
                }
                case 0x0f -> {
                    ByteReader.Leb128 n = r.uleb128(w, p); p += n.length();
                    checkBlock(r, p, n.value(), end, opAt, w);
                    s.cfaExpr = new CfaRule.Expression(p, (int) n.value());
                    p += n.value();
                }
                case 0x10, 0x16 -> {   // expression, val_expression
                    ByteReader.Leb128 g = r.uleb128(w, p); p += g.length();
                    int reg = reg(g.value(), r, opAt, w);
                    ByteReader.Leb128 n = r.uleb128(w, p); p += n.length();
                    checkBlock(r, p, n.value(), end, opAt, w);
                    columns.set(reg);
                    s.set(reg, op == 0x10 ? new RegisterRule.Expression(reg, p, (int) n.value())
                            : new RegisterRule.ValExpression(reg, p, (int) n.value()));
                    p += n.value();
                }
                case 0x2d -> { }   // DW_CFA_GNU_window_save / DW_CFA_AARCH64_negate_ra_state: no column change
                default -> throw new FormatException(FormatException.Kind.UNSUPPORTED, r.base() + opAt, w,
                        "unknown CFA opcode 0x" + Integer.toHexString(op));
        }
        return p;
    }

    private static void checkBlock(ByteReader r, long p, long n, long end, long opAt, String w) {
        if (n < 0 || p + n > end) {
            throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, r.base() + opAt, w, "expression block runs past the end of the program");
        }
    }

    private static void advance(State s, List<CfiRow> rows, long delta, ByteReader r, long at, String w) {
        if (rows != null) addRow(s, rows, r, at, w);
        s.loc += delta;
    }

    private static void addRow(State s, List<CfiRow> rows, ByteReader r, long at, String w) {
        if (rows.size() >= MAX_ROWS) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, r.base() + at, w, "more than " + MAX_ROWS + " rows");
        }
        rows.add(s.row(s.loc));
    }
}
