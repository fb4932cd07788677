package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.sextant.engine.elfutils.dwarf.DwarfDie;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Member;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Ref;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.TypeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Type DIEs described ({@code dwarf_bytesize}, members, enumerators, subranges), once each per session. */
public final class DwarfTypes {
    static final int TAG_ARRAY = 0x01, TAG_CLASS = 0x02, TAG_ENUM = 0x04, TAG_MEMBER = 0x0d, TAG_STRUCT = 0x13,
            TAG_SUBROUTINE = 0x15, TAG_UNION = 0x17, TAG_UNSPECIFIED_PARAMETERS = 0x18, TAG_INHERITANCE = 0x1c,
            TAG_SUBRANGE = 0x21, TAG_ENUMERATOR = 0x28, TAG_FORMAL_PARAMETER = 0x05, TAG_VARIABLE = 0x34;
    static final int AT_BYTE_SIZE = 0x0b, AT_BIT_OFFSET = 0x0c, AT_BIT_SIZE = 0x0d, AT_UPPER_BOUND = 0x2f, AT_COUNT = 0x37,
            AT_DATA_MEMBER_LOCATION = 0x38, AT_ENCODING = 0x3e, AT_DATA_BIT_OFFSET = 0x6b, AT_CONST_VALUE = 0x1c,
            AT_EXTERNAL = 0x3f, AT_DECLARATION = 0x3c;

    private final DwarfScopes scopes;
    private final Map<Ref, TypeInfo> cache = new HashMap<>();
    private final long[] value = new long[1];

    DwarfTypes(DwarfScopes scopes) { this.scopes = scopes; }

    /** The type at {@code ref}; an unreadable DIE comes back as tag 0 (the caller says "unknown type"). */
    public TypeInfo describe(Ref ref) {
        TypeInfo hit = cache.get(ref);
        if (hit != null) return hit;
        TypeInfo t = read(ref);
        cache.put(ref, t);
        return t;
    }

    private TypeInfo read(Ref ref) {
        Memory die = scopes.die(ref);
        if (die == null) {
            return new TypeInfo(0, Optional.empty(), OptionalLong.empty(), 0, Optional.empty(), List.of(), List.of(), List.of(),
                    List.of(), false, false);
        }
        int tag = LibDwState.dwarf_tag(die);
        Optional<String> name = DwarfScopes.name(die);
        OptionalLong size = udata(die, AT_BYTE_SIZE);
        int encoding = (int) udata(die, AT_ENCODING).orElse(0);
        Optional<Ref> type = scopes.typeOf(die, ref.module());
        Memory cu = new Memory(LibDw.SIZEOF_DWARF_DIE);
        boolean cplus = LibDwState.dwarf_diecu(die, cu, null, null) != null && DwarfScopes.isCplus(LibDwState.dwarf_srclang(cu));
        List<Member> members = new ArrayList<>();
        List<DwarfDie.Enumerator> enumerators = new ArrayList<>();
        List<OptionalLong> dims = new ArrayList<>();
        List<Optional<Ref>> params = new ArrayList<>();
        boolean varargs = false;
        Memory child = new Memory(LibDw.SIZEOF_DWARF_DIE);
        if (LibDwState.dwarf_child(die, child) == 0) {
            do {
                int ct = LibDwState.dwarf_tag(child);
                if ((ct == TAG_MEMBER || ct == TAG_INHERITANCE) && (tag == TAG_STRUCT || tag == TAG_UNION || tag == TAG_CLASS)) {
                    // static members (C++) are declarations without a place in the object
                    if (scopes.flag(child, AT_EXTERNAL) || scopes.flag(child, AT_DECLARATION)) continue;
                    members.add(member(child, ct == TAG_INHERITANCE, ref.module()));
                } else if (ct == TAG_ENUMERATOR && tag == TAG_ENUM) {
                    long v = 0;
                    if (LibDwState.dwarf_attr_integrate(child, AT_CONST_VALUE, scopes.attr) != null
                            && (LibDwState.dwarf_formsdata(scopes.attr, value) == 0 || LibDwState.dwarf_formudata(scopes.attr, value) == 0)) {
                        v = value[0];
                    }
                    enumerators.add(new DwarfDie.Enumerator(DwarfScopes.name(child).orElse("?"), v));
                } else if (ct == TAG_SUBRANGE && tag == TAG_ARRAY) {
                    OptionalLong count = udata(child, AT_COUNT);
                    if (count.isEmpty()) {
                        OptionalLong upper = sdata(child, AT_UPPER_BOUND);
                        count = upper.isPresent() && upper.getAsLong() >= -1 ? OptionalLong.of(upper.getAsLong() + 1) : OptionalLong.empty();
                    }
                    dims.add(count);
                } else if (ct == TAG_FORMAL_PARAMETER && tag == TAG_SUBROUTINE) {
                    params.add(scopes.typeOf(child, ref.module()));
                } else if (ct == TAG_UNSPECIFIED_PARAMETERS && tag == TAG_SUBROUTINE) {
                    varargs = true;
                }
            } while (LibDwState.dwarf_siblingof(child, child) == 0);
        }
        return new TypeInfo(tag, name, size, encoding, type, List.copyOf(members), List.copyOf(enumerators), List.copyOf(dims),
                List.copyOf(params), varargs, cplus);
    }

    private Member member(Pointer m, boolean base, long module) {
        Optional<String> name = DwarfScopes.name(m);
        Optional<Ref> type = scopes.typeOf(m, module);
        long offset = udata(m, AT_DATA_MEMBER_LOCATION).orElse(0);
        if (LibDwState.dwarf_attr_integrate(m, AT_DATA_MEMBER_LOCATION, scopes.attr) != null
                && LibDwState.dwarf_formudata(scopes.attr, value) != 0) {
            // DWARF 2 style: an expression, DW_OP_plus_uconst N
            Optional<List<DwarfDie.Op>> ops = scopes.location(m, AT_DATA_MEMBER_LOCATION, 0);
            if (ops.isPresent() && ops.get().size() == 1 && ops.get().get(0).atom() == 0x23) offset = ops.get().get(0).number();
        }
        OptionalLong bitSize = udata(m, AT_BIT_SIZE);
        long bitOffset = 0;
        if (bitSize.isPresent()) {
            OptionalLong dataBit = udata(m, AT_DATA_BIT_OFFSET);
            if (dataBit.isPresent()) {
                offset += dataBit.getAsLong() / 8;
                bitOffset = dataBit.getAsLong() % 8;
            } else {
                // DW_AT_bit_offset counts from the most significant bit of a byte_size storage unit
                long storage = udata(m, AT_BYTE_SIZE).orElse(4) * 8;
                long pos = storage - sdata(m, AT_BIT_OFFSET).orElse(0) - bitSize.getAsLong();
                offset += pos / 8;
                bitOffset = pos % 8;
            }
        }
        return new Member(name, type, offset, bitSize, bitOffset, base);
    }

    private OptionalLong udata(Pointer die, int at) {
        if (LibDwState.dwarf_attr_integrate(die, at, scopes.attr) == null) return OptionalLong.empty();
        return LibDwState.dwarf_formudata(scopes.attr, value) == 0 ? OptionalLong.of(value[0]) : OptionalLong.empty();
    }

    private OptionalLong sdata(Pointer die, int at) {
        if (LibDwState.dwarf_attr_integrate(die, at, scopes.attr) == null) return OptionalLong.empty();
        return LibDwState.dwarf_formsdata(scopes.attr, value) == 0 ? OptionalLong.of(value[0]) : OptionalLong.empty();
    }
}
