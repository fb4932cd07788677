package dev.sextant.engine.format.breakpad;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The records of a Breakpad symbol file, as {@link BreakpadSymbols} answers lookups with them. Immutable. */
public final class SymbolRecords {
    private SymbolRecords() {}

    /** {@code MODULE os arch id name}: the id is the debug identifier (33 hex digits for an ELF build-id, GUID and age). */
    public record ModuleLine(String os, String arch, String id, String name) {}

    /** {@code FUNC [m] address size parameter_size name}; addresses are module-relative. */
    public record Function(long address, long size, long parameterSize, boolean multiple, String name) {}

    /** {@code PUBLIC [m] address parameter_size name}. */
    public record PublicSymbol(long address, long parameterSize, boolean multiple, String name) {}

    /** {@code address size line file_id}, with the file named. */
    public record SourceLine(long address, long size, int line, String file) {}

    /**
     * One frame of a symbolized address: the function (an inlined one or the physical {@code FUNC}),
     * the source position in it, and whether it was inlined into the next frame. Innermost first.
     */
    public record SourceFrame(String function, Optional<String> file, OptionalInt line, boolean inlined, long functionAddress) {}

    /**
     * The unwind rules for one address from {@code STACK CFI INIT} and the {@code STACK CFI} deltas up
     * to it: register name ({@code .cfa}, {@code .ra}, {@code $rbx}, {@code x29}) to a postfix expression.
     */
    public record CfiRules(long address, Map<String, String> rules) {
        public CfiRules { rules = Map.copyOf(rules); }
    }

    /**
     * {@code STACK WIN type rva code_size prolog_size epilog_size parameter_size saved_register_size
     * local_size max_stack_size has_program (program | allocates_base_pointer)}: type 0 FPO, 4 frame data.
     */
    public record WinFrame(int type, long address, long size, long prologSize, long epilogSize, long parameterSize,
                           long savedRegisterSize, long localSize, long maxStackSize, Optional<String> program,
                           boolean allocatesBasePointer) {
        public static final int FPO = 0, FRAME_DATA = 4;
    }

    /** A line that was not understood: skipped, as Breakpad's processor skips it, and reported. */
    public record Problem(long offset, String message) {}

    static <T> List<T> copy(List<T> l) { return List.copyOf(l); }
}
