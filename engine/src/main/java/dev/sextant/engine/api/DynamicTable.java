package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/**
 * A dynamic function table a target registered (JIT code): its id, the range it covers, who
 * registered it ("GDB JIT interface", "perf map"…) and its functions. Immutable; made on the engine
 * thread, read anywhere.
 */
public record DynamicTable(long id, Address base, long length, String origin, List<Function> functions) {
    public DynamicTable { functions = List.copyOf(functions); }

    /**
     * One generated function: {@code [start, end)}, its name, how it unwinds ("CFI, 3 rows", "none") and
     * the decoded rows as text for a detail pane.
     */
    public record Function(Address start, Address end, Optional<String> name, String unwind, String detail) {}
}
