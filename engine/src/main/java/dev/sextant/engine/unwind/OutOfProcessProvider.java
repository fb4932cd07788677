package dev.sextant.engine.unwind;

import java.util.Optional;

/**
 * A plug-in that knows the function tables a code generator keeps inside the target, the analogue of
 * the seed's out-of-process callback DLL ({@code OutOfProcessFunctionTableCallback}). Found with
 * {@link java.util.ServiceLoader} in the jars of a configured directory and matched by {@link #name()}
 * against the provider name given to {@link FunctionTables#installCallback}. Called on a worker
 * thread, without engine locks, under a time limit; must not call back into the engine.
 */
public interface OutOfProcessProvider {
    /** The name a table registration refers to (the seed's DLL name). */
    String name();

    /** The entry for {@code controlPc} in {@code table}, or empty when the provider has none. */
    Optional<FunctionEntry> lookup(FunctionTables.TableInfo table, long controlPc);
}
