package dev.sextant.engine.code;

import java.util.Optional;

/** Names addresses for a listing: the symbol whose range holds an address, and where it starts. */
@FunctionalInterface
public interface CodeSymbols {
    /** A symbol, its start address and its end (exclusive; the start + 1 for a sizeless symbol). */
    record Named(String name, long start, long end) {
        public Named(String name, long start) { this(name, start, start + 1); }

        public boolean contains(long address) { return Long.compareUnsigned(address - start, end - start) < 0; }

        /** {@code name} at its start, {@code name+0x2a} inside. */
        public String at(long address) { return address == start ? name : name + "+0x" + Long.toHexString(address - start); }
    }

    Optional<Named> containing(long address);

    CodeSymbols NONE = a -> Optional.empty();

    /** These symbols with the last answer remembered: a listing asks about neighbouring addresses. */
    static CodeSymbols remembering(CodeSymbols symbols) { return new RememberedSymbols(symbols); }
}
