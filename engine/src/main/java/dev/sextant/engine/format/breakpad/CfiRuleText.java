package dev.sextant.engine.format.breakpad;

import dev.sextant.engine.format.io.FormatException;
import java.util.Map;

/**
 * The rules of a {@code STACK CFI} record: {@code REG: EXPR REG: EXPR ...}, each expression postfix
 * ({@code .cfa: $rsp 16 +  .ra: .cfa -8 + ^  $rbp: .cfa -16 + ^}). An {@code INIT} record must set
 * {@code .cfa} and {@code .ra}.
 */
final class CfiRuleText {
    private CfiRuleText() {}

    static void apply(String text, boolean init, long offset, Map<String, String> rules) {
        String[] tokens = text.trim().split("\\s+");
        String register = null;
        StringBuilder expr = new StringBuilder();
        int set = 0;
        for (String t : tokens) {
            if (t.isEmpty()) continue;
            if (t.endsWith(":") && t.length() > 1) {
                if (register != null) { put(rules, register, expr, offset); set++; }
                register = t.substring(0, t.length() - 1);
                expr.setLength(0);
            } else {
                if (register == null) throw bad(offset, "an expression before any register name");
                if (expr.length() > 0) expr.append(' ');
                expr.append(t);
            }
        }
        if (register != null) { put(rules, register, expr, offset); set++; }
        if (set == 0) throw bad(offset, "no rules");
        if (init && (!rules.containsKey(".cfa") || !rules.containsKey(".ra"))) throw bad(offset, "an INIT record without .cfa and .ra rules");
    }

    private static void put(Map<String, String> rules, String register, StringBuilder expr, long offset) {
        if (expr.length() == 0) throw bad(offset, "an empty rule for " + register);
        rules.put(register, expr.toString());
    }

    private static FormatException bad(long offset, String why) {
        return new FormatException(FormatException.Kind.INCONSISTENT, offset, "STACK CFI record", why);
    }
}
