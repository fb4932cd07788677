package dev.sextant.engine.elfutils;

/**
 * One frame of a thread as the walk found it, before symbolization: its pc, whether the pc is exact
 * ({@code activation}; else a return address), and whether Sextant's own CFI stepper (a
 * {@link FrameStepper}), not libdwfl, found this frame's caller.
 */
public record RawFrame(long pc, boolean activation, boolean stepped) {
    // Spelled out: a record's own equals and hashCode are bootstrapped at their first call through
    // method handles that the JVM generates as classes, which the start-up archive cannot hold. Walks
    // compare these (threads parked in one place share their frames): 18 such classes were
    // generated, interpreted and compiled on the engine thread of every `sextant locals`.
    @Override public boolean equals(Object o) {
        return o instanceof RawFrame f && f.pc == pc && f.activation == activation && f.stepped == stepped;
    }

    @Override public int hashCode() {
        return (Long.hashCode(pc) * 31 + Boolean.hashCode(activation)) * 31 + Boolean.hashCode(stepped);
    }
}
