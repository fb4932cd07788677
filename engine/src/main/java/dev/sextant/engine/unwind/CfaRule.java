package dev.sextant.engine.unwind;

/** How to compute the canonical frame address of one row. Immutable. */
public sealed interface CfaRule {
    /** CFA = value of {@code register} + {@code offset}. */
    record RegisterOffset(int register, long offset) implements CfaRule {}
    /** CFA = result of a DWARF expression at {@code sectionOffset} ({@code DW_CFA_def_cfa_expression}). */
    record Expression(long sectionOffset, int length) implements CfaRule {}
}
