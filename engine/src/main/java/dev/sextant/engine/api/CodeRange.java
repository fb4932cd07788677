package dev.sextant.engine.api;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What to disassemble: from {@code start} (an address {@code 0x401136}, or a function name, whose
 * whole body is listed when neither {@code count} nor {@code end} is given), at most {@code count}
 * instructions, up to (not including) {@code end}. Without either, 32 instructions from an address.
 */
public record CodeRange(String start, OptionalInt count, Optional<Address> end) {
    /** At most this many instructions in one listing. */
    public static final int MAX_COUNT = 1 << 20;
    public static final int DEFAULT_COUNT = 32;

    public CodeRange {
        if (start == null || start.isBlank()) throw new IllegalArgumentException("give an address (0x…) or a function name to disassemble");
        start = start.strip();
        if (count.isPresent() && (count.getAsInt() <= 0 || count.getAsInt() > MAX_COUNT)) {
            throw new IllegalArgumentException("count must be 1 to " + MAX_COUNT + ", not " + count.getAsInt());
        }
    }

    /** True when {@code start} is an address rather than a function name. */
    public boolean startsAtAddress() { return start.startsWith("0x") || start.startsWith("0X") || start.chars().allMatch(Character::isDigit); }

    public static CodeRange function(String name) { return new CodeRange(name, OptionalInt.empty(), Optional.empty()); }

    public static CodeRange at(Address address, int count) { return new CodeRange(address.toString(), OptionalInt.of(count), Optional.empty()); }
}
