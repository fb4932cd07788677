package dev.sextant.engine.breakpad;

import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.CfaProgram;
import dev.sextant.engine.unwind.CfaRule;
import dev.sextant.engine.unwind.CfiRow;
import dev.sextant.engine.unwind.CfiSection;
import dev.sextant.engine.unwind.DwarfRegisters;
import dev.sextant.engine.unwind.Fde;
import dev.sextant.engine.unwind.RegisterRule;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code STACK CFI INIT} and {@code STACK CFI} records from the decoded CFA programs of the unwind
 * package, as Breakpad's dump_syms writes them: the first row's rules in full, then per row the rules
 * that changed. Register names as Breakpad's processor knows them ({@code $rsp} on x86-64, {@code $esp}
 * on x86, {@code sp}/{@code x29} on arm64); the return-address column is {@code .ra}. Rules that are
 * DWARF expressions have no postfix form here and are left out, and a row whose CFA is one ends the FDE's
 * records (as dump_syms reports them unsupported).
 */
final class CfiRecords {
    private final int machine;
    private final long loadBase;
    private final Appendable out;
    private final Map<Integer, String> names = new HashMap<>();
    int entries, skipped;

    CfiRecords(int machine, long loadBase, Appendable out) {
        this.machine = machine;
        this.loadBase = loadBase;
        this.out = out;
    }

    String register(int reg) {
        return names.computeIfAbsent(reg, r -> {
            String n = DwarfRegisters.name(machine, r);
            return machine == ElfHeader.EM_AARCH64 ? n : "$" + n;
        });
    }

    /** Writes the records of one FDE; false when it has none that Breakpad could use. */
    boolean write(CfiSection section, Fde fde) throws IOException {
        CfaProgram.Table table;
        try {
            table = CfaProgram.decode(section, fde);
        } catch (FormatException e) {
            skipped++;
            return false;
        }
        int ra = fde.cie().returnAddressRegister();
        Map<String, String> previous = null;
        for (CfiRow row : table.rows()) {
            Map<String, String> rules = rules(row, ra);
            if (rules == null) break;
            if (previous == null) {
                if (!rules.containsKey(".ra")) { skipped++; return false; }
                out.append("STACK CFI INIT ").append(Long.toHexString(fde.pcBegin() - loadBase)).append(' ')
                        .append(Long.toHexString(fde.pcEnd() - fde.pcBegin()));
                for (var e : rules.entrySet()) out.append(' ').append(e.getKey()).append(": ").append(e.getValue());
                out.append('\n');
                entries++;
            } else {
                StringBuilder changed = new StringBuilder();
                for (var e : rules.entrySet()) {
                    if (!e.getValue().equals(previous.get(e.getKey()))) changed.append(' ').append(e.getKey()).append(": ").append(e.getValue());
                }
                for (String k : previous.keySet()) {
                    // A register whose rule went away (DW_CFA_restore to "unspecified") holds its own value again.
                    if (!rules.containsKey(k) && !k.startsWith(".")) { changed.append(' ').append(k).append(": ").append(k); rules.put(k, k); }
                }
                if (changed.length() > 0 && Long.compareUnsigned(row.location(), fde.pcEnd()) < 0) {
                    out.append("STACK CFI ").append(Long.toHexString(row.location() - loadBase)).append(changed).append('\n');
                }
            }
            previous = rules;
        }
        return previous != null;
    }

    /** The row's rules as postfix text, or null when its CFA is a DWARF expression. */
    private Map<String, String> rules(CfiRow row, int ra) {
        if (!(row.cfa() instanceof CfaRule.RegisterOffset c)) return null;
        Map<String, String> m = new LinkedHashMap<>();
        m.put(".cfa", register(c.register()) + " " + c.offset() + " +");
        for (RegisterRule r : row.registers()) {
            String text = null;             // DWARF expressions: no postfix form
            if (r instanceof RegisterRule.Offset o) text = ".cfa " + o.offset() + " + ^";
            else if (r instanceof RegisterRule.ValOffset v) text = ".cfa " + v.offset() + " +";
            else if (r instanceof RegisterRule.InRegister i) text = register(i.source());
            else if (r instanceof RegisterRule.SameValue s) text = register(s.register());
            else if (r instanceof RegisterRule.Undefined) text = ".undef";
            if (text == null) continue;
            m.put(r.register() == ra ? ".ra" : register(r.register()), text);
        }
        return m;
    }
}
