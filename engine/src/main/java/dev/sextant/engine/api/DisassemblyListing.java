package dev.sextant.engine.api;

import java.util.List;

/**
 * The end of a disassembly listing ({@link Command.WriteDisassembly}), whose text or JSON arrived
 * meanwhile as {@link DebugEvent.OutputWritten} chunks (every instruction of a library, as records,
 * would cost more than the listing): how many sections or functions it listed, and why any of them
 * stopped short (the end of a section, unreadable memory). Immutable.
 */
public record DisassemblyListing(int listings, List<Diagnostic> diagnostics) {
    public DisassemblyListing {
        diagnostics = List.copyOf(diagnostics);
    }
}
