package dev.sextant.engine.breakpad;

import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PrStatusLayout;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.CfaProgram;
import dev.sextant.engine.unwind.CfaRule;
import dev.sextant.engine.unwind.CfiRow;
import dev.sextant.engine.unwind.CfiSection;
import dev.sextant.engine.unwind.DwarfRegisters;
import dev.sextant.engine.unwind.Fde;
import dev.sextant.engine.unwind.RegisterRule;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code STACK CFI INIT} and {@code STACK CFI} records from the decoded CFA programs of the unwind
 * package, as Breakpad's dump_syms writes them: the first row's rules in full, then per row the rules
 * that changed. Register names as Breakpad's processor knows them ({@code $rsp} on x86-64, {@code $esp}
 * on x86, {@code sp}/{@code x29} on arm64, {@code r11}/{@code sp}/{@code lr}/{@code pc} on arm); the return-address column is {@code .ra}, the register itself
 * ({@code .ra: x30}) where the CIE gives it no rule. Rules that are
 * DWARF expressions have no postfix form here and are left out, and a row whose CFA is one ends the FDE's
 * records (as dump_syms reports them unsupported).
 * <p>A row's rules are kept as parallel arrays (key, kind, value), not text, and compared as numbers;
 * the text goes straight into a {@link SymText}. One instance per thread.
 */
final class CfiRecords {
    static final int CFA = -1, RA = -2;                         // keys besides register numbers
    static final byte REG_OFFSET = 0, AT_CFA = 1, CFA_PLUS = 2, IN_REG = 3, UNDEF = 4;
    private static final byte[] INIT = bytes("STACK CFI INIT "), CFI = bytes("STACK CFI "), CFA_NAME = bytes(" .cfa: "),
            RA_NAME = bytes(" .ra: "), CFA_REF = bytes(".cfa "), PLUS_DEREF = bytes(" + ^"), PLUS = bytes(" +"), UNDEF_TEXT = bytes(".undef");

    private static final String[] ARM_NAMES = {"sp", "lr", "pc"};
    private final int machine;
    private final long loadBase;
    private final SymText out;
    private final byte[][] names = new byte[CfaProgram.MAX_REGISTER + 1][];
    private final DirectCfa direct = new DirectCfa();
    private Rules previous = new Rules(), current = new Rules();
    private Fde fde;             // the FDE whose rows are being written
    private boolean first;       // no row of it written yet
    int entries, skipped;

    CfiRecords(int machine, long loadBase, SymText out) {
        this.machine = machine;
        this.loadBase = loadBase;
        this.out = out;
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    private byte[] register(int reg) {
        byte[] n = names[reg];
        if (n == null) {
            n = names[reg] = bytes(switch (machine) {
                case ElfHeader.EM_AARCH64 -> DwarfRegisters.name(machine, reg);
                // dump_syms' arm names: r0..r12, then sp, lr and pc for r13..r15 (DWARF numbers them so)
                case PrStatusLayout.EM_ARM -> reg >= 13 && reg <= 15 ? ARM_NAMES[reg - 13] : "r" + reg;
                default -> "$" + DwarfRegisters.name(machine, reg);
            });
        }
        return n;
    }

    /** Writes the records of one FDE; false when it has none that Breakpad could use. */
    boolean write(CfiSection section, Fde fde) {
        int mark = out.size(), entriesBefore = entries;
        beginRows(fde);
        if (direct.run(section, fde, this)) return !first;
        // A program the direct interpreter does not take (an expression, DW_CFA_set_loc, a bad byte):
        // its rows again from the unwind package's decoder, which reports bad programs.
        out.truncate(mark);
        entries = entriesBefore;
        CfaProgram.Table table;
        try {
            table = CfaProgram.decode(section, fde);
        } catch (FormatException e) {
            skipped++;
            return false;
        }
        int ra = fde.cie().returnAddressRegister();
        beginRows(fde);
        List<CfiRow> rows = table.rows();
        for (int j = 0; j < rows.size(); j++) {
            CfiRow row = rows.get(j);
            if (!current.fill(row, ra)) break;
            row(row.location());
        }
        return !first;
    }

    private void beginRows(Fde fde) {
        this.fde = fde;
        first = true;
    }

    /** The rules of the next row, to be filled (CFA first, then the registers by number) before {@link #row}. */
    Rules nextRow() {
        current.n = 0;
        return current;
    }

    /** Writes the row whose rules {@link #nextRow} were filled: in full for the first, else the rules that changed. */
    void row(long location) {
        if (first) {
            out.raw(INIT).hex(fde.pcBegin() - loadBase).ch(' ').hex(fde.pcEnd() - fde.pcBegin());
            for (int i = 0; i < current.n; i++) rule(current, i);
            out.ch('\n');
            entries++;
            first = false;
        } else {
            boolean wrote = false;
            boolean inside = Long.compareUnsigned(location, fde.pcEnd()) < 0;
            for (int i = 0; i < current.n; i++) {
                // Rows of one FDE list their keys in the same order, mostly: the same place first
                int p = i < previous.n && previous.keys[i] == current.keys[i] ? i : previous.find(current.keys[i]);
                if (p >= 0 && previous.kinds[p] == current.kinds[i] && previous.values[p] == current.values[i]
                        && previous.regs[p] == current.regs[i]) continue;
                if (inside) { if (!wrote) out.raw(CFI).hex(location - loadBase); wrote = true; rule(current, i); }
            }
            int n = current.n;
            for (int p = 0; p < previous.n; p++) {
                int k = previous.keys[p];
                // A register whose rule went away (DW_CFA_restore to "unspecified") holds its own value again.
                if (k < 0 || current.find(k, n) >= 0) continue;
                current.add(k, IN_REG, 0, k);
                if (inside) { if (!wrote) out.raw(CFI).hex(location - loadBase); wrote = true; rule(current, current.n - 1); }
            }
            if (wrote) out.ch('\n');
        }
        Rules t = previous; previous = current; current = t;
    }

    private void rule(Rules r, int i) {
        int key = r.keys[i];
        if (key == CFA) out.raw(CFA_NAME);
        else if (key == RA) out.raw(RA_NAME);
        else out.ch(' ').raw(register(key)).ch(':').ch(' ');
        switch (r.kinds[i]) {
            case REG_OFFSET -> out.raw(register(r.regs[i])).ch(' ').dec(r.values[i]).raw(PLUS);
            case AT_CFA -> out.raw(CFA_REF).dec(r.values[i]).raw(PLUS_DEREF);
            case CFA_PLUS -> out.raw(CFA_REF).dec(r.values[i]).raw(PLUS);
            case IN_REG -> out.raw(register(r.regs[i]));
            default -> out.raw(UNDEF_TEXT);
        }
    }

    /** One row's rules in output order: the CFA, then the registers by number (the return address as {@code .ra}). */
    static final class Rules {
        int[] keys = new int[16], regs = new int[16];
        byte[] kinds = new byte[16];
        long[] values = new long[16];
        int n;

        /** False when the row's CFA is a DWARF expression (no postfix form). */
        boolean fill(CfiRow row, int ra) {
            n = 0;
            if (!(row.cfa() instanceof CfaRule.RegisterOffset c)) return false;
            add(CFA, REG_OFFSET, c.offset(), c.register());
            List<RegisterRule> rules = row.registers();
            for (int j = 0; j < rules.size(); j++) {   // no iterator: C1, which runs this, allocates every one
                RegisterRule r = rules.get(j);
                int key = r.register() == ra ? RA : r.register();
                if (r instanceof RegisterRule.Offset o) add(key, AT_CFA, o.offset(), 0);
                else if (r instanceof RegisterRule.ValOffset v) add(key, CFA_PLUS, v.offset(), 0);
                else if (r instanceof RegisterRule.InRegister i) add(key, IN_REG, 0, i.source());
                else if (r instanceof RegisterRule.SameValue s) add(key, IN_REG, 0, s.register());
                else if (r instanceof RegisterRule.Undefined) add(key, UNDEF, 0, 0);
                // DWARF expressions: no postfix form
            }
            // A CIE need not give the return-address column a rule (arm64's give x30 none: it holds the
            // return address until the prologue saves it): as dump_syms does, it is then the register itself.
            if (find(RA) < 0) add(RA, IN_REG, 0, ra);
            return true;
        }

        /** {@link #add} of a key that is not in the row yet (DirectCfa's rows: the CFA, then each register once). */
        void append(int key, byte kind, long value, int reg) {
            if (n == keys.length) grow();
            int at = n++;
            keys[at] = key; kinds[at] = kind; values[at] = value; regs[at] = reg;
        }

        void add(int key, byte kind, long value, int reg) {
            int at = find(key);
            if (at < 0) {
                if (n == keys.length) grow();
                at = n++;
                keys[at] = key;
            }
            kinds[at] = kind; values[at] = value; regs[at] = reg;
        }

        private void grow() {
            keys = Arrays.copyOf(keys, n * 2); regs = Arrays.copyOf(regs, n * 2);
            kinds = Arrays.copyOf(kinds, n * 2); values = Arrays.copyOf(values, n * 2);
        }

        int find(int key) { return find(key, n); }

        int find(int key, int limit) {
            for (int i = 0; i < limit; i++) if (keys[i] == key) return i;
            return -1;
        }
    }
}
