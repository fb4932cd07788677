package dev.sextant.engine.unwind;

/**
 * One {@code RUNTIME_FUNCTION} of a PE x64 exception directory: the function's RVA range
 * {@code [begin, end)} and the RVA of its {@code UNWIND_INFO}. {@code index} is its position in
 * {@code .pdata} (-1 for an entry reached through a chain). Immutable.
 */
public record RuntimeFunction(int index, long begin, long end, long unwindInfo) {
    public boolean covers(long rva) { return rva >= begin && rva < end; }
}
