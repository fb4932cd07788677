package dev.sextant.engine.unwind;

/** One entry of a CFI section, in file order: a CIE, an FDE, or an entry that could not be read. */
public sealed interface CfiRecord permits Cie, Fde, CfiRecord.Bad {
    /** Section offset of the entry's length field. */
    long offset();

    /**
     * An entry that could not be decoded (truncated, unknown CIE, pointer outside the section…). The
     * section goes on after it when its length was readable; {@code problem} says what was wrong.
     */
    record Bad(long offset, String problem) implements CfiRecord {}
}
