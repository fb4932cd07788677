package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.dwarf.DwarfDie;
import dev.sextant.engine.elfutils.jna.DwarfScopes;
import dev.sextant.engine.elfutils.jna.DwarfTypes;
import java.util.List;
import java.util.Optional;

/**
 * The variables of a session's modules as DWARF describes them: the scopes of a frame at a pc
 * (inlined calls included), the CFA rule, globals and named types by name, type descriptions and the
 * ELF symbol that covers an address. Copied out of libdw as {@link DwarfDie} records. Engine thread
 * only; lives no longer than its {@link ElfSession}.
 */
public final class DwarfVariables {
    private final DwarfScopes scopes;
    private final DwarfTypes types;

    DwarfVariables(DwarfScopes scopes) {
        this.scopes = scopes;
        this.types = scopes.types();
    }

    /**
     * The frames at {@code pc} (a return address already moved back into its call): the inlined
     * calls innermost first, then the physical function. Empty where no DWARF covers the pc.
     */
    public List<DwarfDie.FrameScopes> frames(long pc) { return scopes.frames(pc); }

    /** The CFA rule at {@code pc} as operations, from .debug_frame, else .eh_frame; empty where no FDE covers the pc. */
    public Optional<List<DwarfDie.Op>> cfa(long pc) { return scopes.cfa(pc); }

    /** A global variable of the module that holds {@code pc}, as a one-variable frame (for its bias). */
    public Optional<DwarfDie.FrameScopes> global(long pc, String name) { return scopes.global(pc, name); }

    /** A type by the name a cast gives ({@code int}, {@code struct point}, a typedef) in the module that holds {@code pc}. */
    public Optional<DwarfDie.Ref> namedType(long pc, String name) { return scopes.namedType(pc, name); }

    /** The type at {@code ref}; an unreadable DIE comes back as tag 0. */
    public DwarfDie.TypeInfo describe(DwarfDie.Ref ref) { return types.describe(ref); }

    /** {@code name} or {@code name+off} of the ELF symbol that covers {@code address} (demangled), as gdb prints after a pointer. */
    public Optional<String> symbolAt(long address) {
        return scopes.symbolAt(address).map(s -> {
            String n = Demangler.demangle(s.name());
            return s.offset() == 0 ? n : n + "+" + s.offset();
        });
    }
}
