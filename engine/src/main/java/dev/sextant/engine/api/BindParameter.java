package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/** The {@code Parameter} of a status-routine call: one record per kind the seed passes. Immutable. */
public sealed interface BindParameter {

    /** No parameter (e.g. {@code BindImportModule} in the seed). */
    record None() implements BindParameter {}

    /** A library was found: where, and which ld.so rule found it. */
    record ModuleFound(String path, String foundBy) implements BindParameter {}

    /** A library, a table or a symbol could not be used: why, and the candidates that were tried. */
    record Failure(String message, List<String> trail) implements BindParameter {}

    /** A procedure (symbol) name, with the version the reference asks for. */
    record ProcedureName(String name, Optional<String> version) implements BindParameter {}

    /** A forwarded procedure: {@code name} from the filter resolves in {@code target} (a filtee). */
    record ForwarderName(String name, String target) implements BindParameter {}

    /** A byte count (PE header expansion). */
    record ByteCount(long bytes) implements BindParameter {}

    /** {@code BindImageModified}: where the bound copy was written. */
    record Written(String path) implements BindParameter {}

    /** A symbol file that does not match its image. */
    record SymbolFile(String path) implements BindParameter {}

    /** {@code BindImageComplete}: the bound-import table of the image. */
    record BoundImports(List<BoundImport> imports) implements BindParameter {}

    /**
     * One bound import descriptor: the module, its identity stamp (ELF: the GNU build-id in hex,
     * empty when the file has none; PE: TimeDateStamp) and its forwarder references (ELF: filtees).
     */
    record BoundImport(String moduleName, Optional<String> path, String identityStamp, List<String> forwarderRefs) {}
}
