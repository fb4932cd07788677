package dev.sextant.engine.elfutils;

/**
 * One frame of a thread as the walk found it, before symbolization: its pc, whether the pc is exact
 * ({@code activation}; else a return address), and whether Sextant's own CFI stepper (a
 * {@link FrameStepper}), not libdwfl, found this frame's caller.
 */
public record RawFrame(long pc, boolean activation, boolean stepped) {}
