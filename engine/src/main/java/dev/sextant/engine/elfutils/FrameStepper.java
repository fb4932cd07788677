package dev.sextant.engine.elfutils;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * Steps frames that lie in no module (generated code) with Sextant's own tables: given the frame's
 * pc and registers (DWARF numbering), the caller's registers with its pc under DWARF 16 (x86-64
 * rip), or empty to let libdwfl go on by itself (its x86-64 fallback follows the frame pointer).
 * Called on the thread that owns the session, from inside libdwfl. A failure (an exception) leaves
 * the frame to libdwfl and is reported as a diagnostic.
 */
@FunctionalInterface
public interface FrameStepper {
    Optional<Map<Integer, Long>> step(long pc, boolean activation, IntFunction<OptionalLong> registers);
}
