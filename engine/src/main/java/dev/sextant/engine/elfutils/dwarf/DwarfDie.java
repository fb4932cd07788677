package dev.sextant.engine.elfutils.dwarf;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the elfutils layer copies out of libdw's DWARF: DIEs named by (module start, offset), location
 * expressions as operations, types as plain descriptions. Plain data (no native pointer), shared by
 * {@code elfutils.jna}'s readers and their users. Immutable; valid as long as the session.
 */
public final class DwarfDie {
    private DwarfDie() {}

    /**
     * A DIE of the module loaded at {@code module}, at {@code offset} in its .debug_info. Its equals
     * and hashCode are written out: a record's own are bound at their first call through method
     * handles that are generated then (twelve classes, about 20 ms of a short command's start, which
     * the start-up archive does not hold), and types are cached by Ref.
     */
    public record Ref(long module, long offset) {
        @Override public boolean equals(Object o) {
            return o instanceof Ref r && r.module == module && r.offset == offset;
        }

        @Override public int hashCode() { return Long.hashCode(module) * 31 + Long.hashCode(offset); }
    }

    /** One DWARF operation ({@code Dwarf_Op}); {@code block} holds DW_OP_implicit_value's bytes. */
    public record Op(int atom, long number, long number2, byte[] block) {}

    /** Where a variable is at a pc: an expression, a constant (DW_AT_const_value), or nothing (optimized out). */
    public sealed interface Location permits Expr, Constant, Absent {}

    public record Expr(List<Op> ops) implements Location {}

    /** {@code bytes} for a block form; otherwise {@code value}, to be cut to the type's size. */
    public record Constant(Optional<byte[]> bytes, long value) implements Location {}

    public record Absent() implements Location {}

    /** A variable or parameter declared in a scope. */
    public record Declared(String name, boolean parameter, Optional<Ref> type, Location location) {}

    /** One scope of a frame (block or function), innermost first, with its declarations in order. */
    public record Scope(int tag, Optional<String> name, List<Declared> variables) {}

    /**
     * One frame's scopes (physical or inlined) at a pc: from the innermost block out to the function
     * (or inlined call); {@code frameBase} is the physical function's DW_AT_frame_base; {@code bias}
     * is what the module's DWARF addresses are off by.
     */
    public record FrameScopes(long module, long bias, List<Scope> scopes, Optional<List<Op>> frameBase, boolean cplus) {}

    /** A type DIE described: tag, name, size, the type it refers to, and its members, enumerators or dimensions. */
    public record TypeInfo(int tag, Optional<String> name, OptionalLong byteSize, int encoding, Optional<Ref> type,
                           List<Member> members, List<Enumerator> enumerators, List<OptionalLong> dimensions,
                           List<Optional<Ref>> parameters, boolean varargs, boolean cplus) {}

    /** A data member: byte offset, and for a bitfield its size and bit position (from bit 0 of that byte, little-endian). */
    public record Member(Optional<String> name, Optional<Ref> type, long offset, OptionalLong bitSize, long bitOffset,
                         boolean baseClass) {}

    public record Enumerator(String name, long value) {}

    /** The ELF symbol that covers an address ({@code name} as the symbol table spells it) and the address's offset in it. */
    public record Symbol(String name, long offset) {}
}
