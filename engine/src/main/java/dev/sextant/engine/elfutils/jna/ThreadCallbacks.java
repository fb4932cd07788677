package dev.sextant.engine.elfutils.jna;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * libdwfl's {@code Dwfl_Thread_Callbacks} in Java terms: the threads, registers and memory of a
 * target that Sextant serves to libdwfl through {@code dwfl_attach_state} instead of libdwfl reading
 * them itself. Called on the thread that owns the {@link Dwfl}, from inside libdwfl: implementations
 * must not block; an exception counts as "no" (it never unwinds through libdwfl's frames).
 */
public interface ThreadCallbacks {

    /**
     * A thread's registers in DWARF numbering from register 0 upwards, its program counter, and
     * registers beyond that run by number ({@code more[i]} holds register {@code moreNumbers[i]}: the
     * link register of ppc64 is DWARF 65 and 108, after numbers no core note fills).
     */
    record InitialRegisters(long[] dwarf, long pc, int[] moreNumbers, long[] more) {
        public InitialRegisters(long[] dwarf, long pc) { this(dwarf, pc, new int[0], new long[0]); }
    }

    /** Thread ids in the order they are to be reported; asked at the start of each walk. */
    int[] threads();

    /** The registers of thread {@code tid}, or empty when they cannot be read. */
    Optional<InitialRegisters> registers(int tid);

    /** One word of target memory ({@code wordSize} bytes, zero-extended), or empty when the address is not readable. */
    OptionalLong readWord(long address, int wordSize);
}
