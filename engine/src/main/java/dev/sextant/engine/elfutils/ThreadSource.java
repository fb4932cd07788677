package dev.sextant.engine.elfutils;

import java.util.OptionalLong;

/**
 * Threads, registers and memory of a target, served by Sextant to libdwfl through
 * {@code dwfl_attach_state} (instead of libdwfl reading them itself). Called on the thread that
 * owns the {@link ElfSession}, from inside libdwfl: implementations must not block and must not throw.
 */
public interface ThreadSource {
    /** Thread ids in the order they are to be reported. */
    int[] threads();

    /** The thread's registers in DWARF numbering, from register 0 upwards. */
    long[] dwarfRegisters(int index);

    /** DWARF numbers of registers served beyond {@link #dwarfRegisters}' run from 0 (none by default). */
    default int[] moreRegisterNumbers() { return new int[0]; }

    /** The thread's values of {@link #moreRegisterNumbers()}, in that order. */
    default long[] moreRegisters(int index) { return new long[0]; }

    /** The thread's program counter. */
    long pc(int index);

    /** One word of target memory ({@code wordSize} bytes, zero-extended), or empty when the address is not readable. */
    OptionalLong readWord(long address, int wordSize);
}
