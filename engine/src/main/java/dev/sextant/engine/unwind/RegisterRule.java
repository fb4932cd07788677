package dev.sextant.engine.unwind;

/**
 * How to recover one register in the caller's frame, as a DWARF CFA program sets it. Immutable;
 * expression rules name their DWARF expression by its offset and length in the CFI section, so that a
 * viewer can show the bytes without the rule holding a copy.
 */
public sealed interface RegisterRule {
    /** DWARF register number. */
    int register();

    /** {@code DW_CFA_undefined}: the value is lost. */
    record Undefined(int register) implements RegisterRule {}
    /** {@code DW_CFA_same_value}: unchanged from the callee. */
    record SameValue(int register) implements RegisterRule {}
    /** Saved at CFA + offset ({@code DW_CFA_offset} family; offset already multiplied by the data alignment). */
    record Offset(int register, long offset) implements RegisterRule {}
    /** The value is CFA + offset ({@code DW_CFA_val_offset}). */
    record ValOffset(int register, long offset) implements RegisterRule {}
    /** Saved in another register ({@code DW_CFA_register}). */
    record InRegister(int register, int source) implements RegisterRule {}
    /** Saved at the address a DWARF expression computes ({@code DW_CFA_expression}). */
    record Expression(int register, long sectionOffset, int length) implements RegisterRule {}
    /** The value is what a DWARF expression computes ({@code DW_CFA_val_expression}). */
    record ValExpression(int register, long sectionOffset, int length) implements RegisterRule {}
}
