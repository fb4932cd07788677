package dev.sextant.engine.elfutils;

/**
 * What libdwfl needs from the tracer of a stopped live process to unwind it (the
 * {@code Dwfl_Thread_Callbacks} of {@code dwfl_attach_state}). Called on the engine thread, from
 * inside libdwfl calls; implementations must not throw.
 */
public interface LiveProcess {
    /** The threads to unwind, all stopped. */
    int[] threads();

    /** x86-64 {@code struct user_regs_struct} of a stopped thread, or null when it cannot be read. */
    long[] userRegisters(int tid);

    /** Reads the 8-byte word at {@code address} into {@code out[0]}; false when it is not mapped. */
    boolean readWord(long address, long[] out);
}
