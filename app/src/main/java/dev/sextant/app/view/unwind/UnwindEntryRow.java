package dev.sextant.app.view.unwind;

/**
 * One entry of an unwind table: an FDE of a module's {@code .eh_frame}/{@code .debug_frame}, or a
 * function of a dynamic table. {@code startValue}/{@code endValue} are for the address search. Immutable.
 */
public record UnwindEntryRow(int index, String start, String end, String symbol, String table, String unwind,
                             long startValue, long endValue) {
    String searchText() { return start + " " + end + " " + symbol + " " + table + " " + unwind; }

    boolean covers(long address) {
        return Long.compareUnsigned(address, startValue) >= 0 && Long.compareUnsigned(address, endValue) < 0;
    }
}
