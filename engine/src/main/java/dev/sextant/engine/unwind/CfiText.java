package dev.sextant.engine.unwind;

/**
 * Rules and rows as short text, in the notation of {@code readelf --debug-dump=frames-interp}:
 * {@code rsp+16} for a CFA, {@code c-8} (saved at CFA-8), {@code v-8} (value CFA-8), {@code u}
 * (undefined or unspecified), {@code s} (same value), {@code exp}/{@code vexp}, a register name.
 */
public final class CfiText {
    private CfiText() {}

    public static String cfa(int machine, CfaRule rule) {
        if (rule instanceof CfaRule.RegisterOffset ro) {
            int off = (int) ro.offset();
            return DwarfRegisters.name(machine, ro.register()) + (off >= 0 ? "+" : "") + off;
        }
        return "exp";
    }

    /** A register rule; {@code null} (unspecified) prints as {@code u}, as readelf does. */
    public static String rule(int machine, RegisterRule rule) {
        if (rule == null) return "u";
        if (rule instanceof RegisterRule.Undefined) return "u";
        if (rule instanceof RegisterRule.SameValue) return "s";
        if (rule instanceof RegisterRule.Offset o) return "c" + signed((int) o.offset());
        if (rule instanceof RegisterRule.ValOffset v) return "v" + signed((int) v.offset());
        if (rule instanceof RegisterRule.InRegister ir) return registerRef(machine, ir.source());
        if (rule instanceof RegisterRule.Expression) return "exp";
        return "vexp";
    }

    /** readelf's form for a register operand: {@code r6 (rbp)}, or {@code r99} without a name. */
    public static String registerRef(int machine, int reg) {
        String n = DwarfRegisters.nameOrNull(machine, reg);
        return n == null ? "r" + reg : "r" + reg + " (" + n + ")";
    }

    /** Rows as readelf's frames-interp table: a LOC and CFA column, then one column per register any row mentions. */
    public static String rows(int machine, java.util.List<CfiRow> rows) {
        java.util.TreeSet<Integer> columns = new java.util.TreeSet<>();
        for (CfiRow r : rows) for (RegisterRule rule : r.registers()) columns.add(rule.register());
        return rows(machine, rows, columns.stream().mapToInt(Integer::intValue).toArray());
    }

    public static String rows(int machine, java.util.List<CfiRow> rows, int[] columns) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-18s %-10s", "LOC", "CFA"));
        for (int col : columns) sb.append(String.format(" %-6s", registerRef(machine, col)));
        sb.append('\n');
        for (CfiRow r : rows) {
            sb.append(String.format("%016x   %-10s", r.location(), cfa(machine, r.cfa())));
            for (int col : columns) sb.append(String.format(" %-6s", rule(machine, r.rule(col))));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String signed(int v) { return v >= 0 ? "+" + v : Integer.toString(v); }
}
