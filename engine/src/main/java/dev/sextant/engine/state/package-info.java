/**
 * Program state: variables read from DWARF and THE expression evaluator. {@link dev.sextant.engine.state.Expression}
 * parses once and evaluates against an {@link dev.sextant.engine.state.EvalContext} (one frame's
 * registers, the target's memory, the module's DWARF); {@link dev.sextant.engine.state.ValueFormat}
 * prints values as gdb's {@code print} does; {@link dev.sextant.engine.state.VariableTree} turns
 * them into {@code api.Variable} records. Engine-internal, used on the engine thread.
 */
package dev.sextant.engine.state;
