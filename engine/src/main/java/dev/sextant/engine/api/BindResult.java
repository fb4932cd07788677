package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one bind: every module in load order (the image first) with the procedures it
 * imports, the libraries that could not be found and the strong references that could not be
 * bound. Immutable.
 *
 * @param image      the image path as given
 * @param format     {@code "ELF64 x86_64"} and the like
 * @param modules    the image and each library, in ld.so's breadth-first load order; failed ones too
 * @param missing    needed names that were not found (each once)
 * @param unresolved strong imports without a definition in scope (weak ones are allowed)
 * @param stopped    the status routine returned false; everything after that point is absent
 */
public record BindResult(String image, String format, List<Module> modules, List<String> missing,
                         List<Unresolved> unresolved, boolean stopped) {

    /** How one import came out. */
    public enum Status {
        /** Bound to a definition. */
        BOUND("bound"),
        /** Bound to a definition in a filtee of the filter that declares it. */
        FORWARDED("forwarded"),
        /** A weak reference without a definition: allowed, the address is 0. */
        WEAK_UNDEFINED("weak-undefined"),
        /** No definition anywhere in scope. */
        UNDEFINED("undefined"),
        /** The library named in the version requirement lacks that version of the symbol. */
        VERSION_UNDEFINED("version-undefined"),
        /** Not looked up: the module's imports are not bound without all-images. */
        NOT_BOUND("not-bound");

        private final String label;
        Status(String label) { this.label = label; }
        public String label() { return label; }
        public boolean failed() { return this == UNDEFINED || this == VERSION_UNDEFINED; }
    }

    /**
     * One import: the dynamic symbol ({@code ordinal} = its {@code .dynsym} index), the version the
     * reference asks for, where it was bound and at which link-time address (module-relative for
     * shared objects), and the filtee it was forwarded to.
     */
    public record Procedure(String name, int ordinal, Optional<String> version, Status status,
                            Optional<String> resolvedIn, long address, Optional<String> forwardedTo, boolean copyRelocation) {}

    /**
     * One module: the name it was needed by ({@code name}; the image path for the image), where it
     * was found ({@code path} empty when not), the ld.so rule that found it, who needed it first,
     * every candidate tried, its build-id, why it failed, its imports, and whether it is a PE
     * delay-load import (loaded on the first call into it rather than with the image).
     */
    public record Module(String name, Optional<String> path, String foundBy, Optional<String> neededBy,
                         List<String> trail, Optional<String> buildId, Optional<String> failure,
                         List<Procedure> procedures, boolean delayLoad) {
        /** A module loaded with the image (every ELF module, and PE imports that are not delay-loaded). */
        public Module(String name, Optional<String> path, String foundBy, Optional<String> neededBy, List<String> trail,
                      Optional<String> buildId, Optional<String> failure, List<Procedure> procedures) {
            this(name, path, foundBy, neededBy, trail, buildId, failure, procedures, false);
        }
    }

    /** A strong import nobody defines: the importing module's name, the symbol and its version. */
    public record Unresolved(String module, String name, Optional<String> version) {}

    /** True when every library was found and every strong import bound. */
    public boolean complete() {
        return missing.isEmpty() && unresolved.isEmpty() && !stopped && modules.get(0).failure().isEmpty();
    }
}
