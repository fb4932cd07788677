package dev.sextant.engine.api;

import java.util.List;

/**
 * The registers of one frame of a thread as the unwinder recovered them (frame 0: the thread's
 * own). {@code frame} is the Call stack row; inlined rows share their physical frame's registers.
 * {@code notRecovered} names, in the ABI's order, the registers the unwinder could not recover
 * there (gdb's {@code <not saved>}). Immutable.
 */
public record UnwoundRegisters(Tid tid, int frame, String arch, List<Register> recovered, List<String> notRecovered) {
    public UnwoundRegisters {
        recovered = List.copyOf(recovered);
        notRecovered = List.copyOf(notRecovered);
    }
}
