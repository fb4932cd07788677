package dev.sextant.engine.unwind;

/**
 * A dynamic function table appeared or went away. Delivered to {@link FunctionTables} listeners on
 * the thread that changed the tables, after the change, without locks held: copy, enqueue, return.
 */
public sealed interface FunctionTableEvent permits FunctionTableEvent.TableAdded, FunctionTableEvent.TableRemoved {
    FunctionTables.TableInfo table();

    record TableAdded(FunctionTables.TableInfo table) implements FunctionTableEvent {}
    record TableRemoved(FunctionTables.TableInfo table) implements FunctionTableEvent {}
}
