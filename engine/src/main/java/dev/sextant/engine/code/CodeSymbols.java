package dev.sextant.engine.code;

import java.util.Optional;

/** Names addresses for a listing: the symbol whose range holds an address, and where it starts. */
@FunctionalInterface
public interface CodeSymbols {
    /** A symbol and its start address. */
    record Named(String name, long start) {
        /** {@code name} at its start, {@code name+0x2a} inside. */
        public String at(long address) { return address == start ? name : name + "+0x" + Long.toHexString(address - start); }
    }

    Optional<Named> containing(long address);

    CodeSymbols NONE = a -> Optional.empty();
}
