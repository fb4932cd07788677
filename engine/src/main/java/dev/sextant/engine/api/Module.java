package dev.sextant.engine.api;

import java.util.Optional;

/**
 * A mapped image (executable, shared library, vDSO). {@code base} is its lowest mapped address,
 * {@code size} the extent of its mapping. {@code file} is where its ELF file was found on this
 * machine (empty: not found, so no symbols); {@code debugFile} where separate debug info came from.
 * Immutable.
 */
public record Module(String path, Address base, long size, Optional<String> buildId,
                     Optional<String> file, Optional<String> debugFile) {

    public boolean found() { return file.isPresent(); }

    public Address end() { return Address.of(base.value() + size); }

    public boolean contains(Address a) {
        return Long.compareUnsigned(a.value(), base.value()) >= 0 && Long.compareUnsigned(a.value(), base.value() + size) < 0;
    }

    /** The last path component, as users name modules ({@code libc.so.6}). */
    public String shortName() {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
