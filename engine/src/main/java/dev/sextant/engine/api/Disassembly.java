package dev.sextant.engine.api;

import java.util.List;

/**
 * Instructions decoded from a module file ({@code source} its path) or from a live target's memory
 * ({@code source} {@code "process PID"}), in address order. {@code diagnostics} say why the listing
 * stopped short (end of a section, unreadable memory). Immutable.
 */
public record Disassembly(String source, List<Instruction> instructions, List<Diagnostic> diagnostics) {
    public Disassembly {
        instructions = List.copyOf(instructions);
        diagnostics = List.copyOf(diagnostics);
    }
}
