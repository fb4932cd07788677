package dev.sextant.engine.unwind;

import java.util.List;

/**
 * One row of a CFI table: from {@code location} (link-time address, not relocated) to the next row's
 * location (or the FDE's end), the CFA is computed by {@code cfa} and each listed register by its rule.
 * Registers not listed are unspecified. Rules are ordered by register number. Immutable.
 */
public record CfiRow(long location, CfaRule cfa, List<RegisterRule> registers) {
    public CfiRow {
        registers = List.copyOf(registers);
    }

    /** The rule for {@code register}, or null when the row does not specify it. */
    public RegisterRule rule(int register) {
        for (RegisterRule r : registers) if (r.register() == register) return r;
        return null;
    }
}
