package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.dwarf.DwarfDie;
import dev.sextant.engine.elfutils.jna.DwarfScopes;
import dev.sextant.engine.elfutils.jna.DwarfTypes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** With {@link #remembering()}: frames and CFA rules by pc, kept while the modules stay as they are. */
    private final Map<Long, List<DwarfDie.FrameScopes>> framesAt;
    private final Map<Long, Optional<List<DwarfDie.Op>>> cfaAt;

    DwarfVariables(DwarfScopes scopes) { this(scopes, false); }

    private DwarfVariables(DwarfScopes scopes, boolean remember) {
        this.scopes = scopes;
        this.types = scopes.types();
        this.framesAt = remember ? new HashMap<>() : null;
        this.cfaAt = remember ? new HashMap<>() : null;
    }

    /**
     * These variables with the frames and CFA rule of each pc remembered (a conditional breakpoint
     * asks about the same pc at every hit); only for a holder that drops it when modules change.
     */
    public DwarfVariables remembering() { return new DwarfVariables(scopes, true); }

    private static final int REMEMBERED = 4096;

    /**
     * The frames at {@code pc} (a return address already moved back into its call): the inlined
     * calls innermost first, then the physical function. Empty where no DWARF covers the pc.
     */
    public List<DwarfDie.FrameScopes> frames(long pc) {
        if (framesAt == null) return scopes.frames(pc);
        List<DwarfDie.FrameScopes> f = framesAt.get(pc);
        if (f == null) {
            if (framesAt.size() >= REMEMBERED) framesAt.clear();
            f = List.copyOf(scopes.frames(pc));
            framesAt.put(pc, f);
        }
        return f;
    }

    /** The CFA rule at {@code pc} as operations, from .debug_frame, else .eh_frame; empty where no FDE covers the pc. */
    public Optional<List<DwarfDie.Op>> cfa(long pc) {
        if (cfaAt == null) return scopes.cfa(pc);
        Optional<List<DwarfDie.Op>> c = cfaAt.get(pc);
        if (c == null) {
            if (cfaAt.size() >= REMEMBERED) cfaAt.clear();
            c = scopes.cfa(pc);
            cfaAt.put(pc, c);
        }
        return c;
    }

    /**
     * What a caller passed in register {@code regno} at the call that returns to {@code returnAddress}
     * ({@code DW_AT_call_value} of the matching call site parameter, evaluated in the caller's frame):
     * how {@code DW_OP_entry_value} is known. Empty when the caller's DWARF has no such call site.
     */
    public Optional<List<DwarfDie.Op>> callValue(long returnAddress, int regno) { return scopes.callValue(returnAddress, regno); }

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
