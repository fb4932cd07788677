package dev.sextant.engine.state;

import dev.sextant.engine.elfutils.DwarfVariables;
import dev.sextant.engine.elfutils.dwarf.DwarfDie;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** DWARF type DIEs made into {@link Type}s, each once per session; pointer targets and members lazily. */
final class TypeBuilder {
    private final DwarfVariables dwarf;
    private final Map<DwarfDie.Ref, Type> cache = new HashMap<>();

    TypeBuilder(DwarfVariables dwarf) { this.dwarf = dwarf; }

    Type of(Optional<DwarfDie.Ref> ref) {
        return ref.map(this::of).orElseGet(Type.Void::new);
    }

    Type of(DwarfDie.Ref ref) {
        Type hit = cache.get(ref);
        if (hit != null) return hit;
        Type t = build(ref);
        cache.put(ref, t);
        return t;
    }

    private Type.Lazy lazy(Optional<DwarfDie.Ref> ref) {
        return new Type.Lazy(() -> of(ref));
    }

    private Type build(DwarfDie.Ref ref) {
        DwarfDie.TypeInfo t = dwarf.describe(ref);
        long size = t.byteSize().orElse(0);
        switch (t.tag()) {
            case 0x24: return new Type.Base(t.name().orElse("?"), size, encoding(t.encoding()));
            case 0x0f: return new Type.Pointer(lazy(t.type()), size == 0 ? 8 : size);
            case 0x10: return new Type.Reference(lazy(t.type()), false, size == 0 ? 8 : size);
            case 0x42: return new Type.Reference(lazy(t.type()), true, size == 0 ? 8 : size);
            case 0x16: return new Type.Typedef(t.name().orElse("?"), lazy(t.type()));
            case 0x26: return new Type.Qualified(true, false, lazy(t.type()));
            case 0x35: return new Type.Qualified(false, true, lazy(t.type()));
            case 0x37: case 0x47: return of(t.type());                 // restrict, _Atomic: read as the type itself
            case 0x13: case 0x17: case 0x02: {
                String keyword = t.tag() == 0x13 ? "struct" : t.tag() == 0x17 ? "union" : "class";
                return new Type.Composite(keyword, t.name(), size, t.cplus(), new Type.LazyMembers(() -> members(t)));
            }
            case 0x01: {
                Type element = of(t.type());
                List<OptionalLong> dims = t.dimensions().isEmpty() ? List.of(OptionalLong.empty()) : t.dimensions();
                for (int i = dims.size() - 1; i >= 0; i--) element = new Type.Array(element, dims.get(i));
                return element;
            }
            case 0x04: {
                List<Type.Enumerator> values = new ArrayList<>();
                for (DwarfDie.Enumerator e : t.enumerators()) values.add(new Type.Enumerator(e.name(), e.value()));
                boolean signed = t.type().map(r -> Values.isSigned(of(r))).orElse(t.enumerators().stream().anyMatch(e -> e.value() < 0));
                return new Type.Enumeration(t.name(), size == 0 ? 4 : size, signed, t.cplus(), List.copyOf(values));
            }
            case 0x15: {
                List<Type> params = new ArrayList<>();
                for (Optional<DwarfDie.Ref> p : t.parameters()) params.add(of(p));
                return new Type.Function(t.type().map(this::of), List.copyOf(params), t.varargs());
            }
            case 0x3b: return new Type.Base(t.name().orElse("decltype(nullptr)"), size == 0 ? 8 : size, Type.Encoding.UNSIGNED);
            default: return new Type.Base(t.name().orElse("<unknown type>"), size, Type.Encoding.UNSIGNED);
        }
    }

    private List<Type.Member> members(DwarfDie.TypeInfo t) {
        List<Type.Member> out = new ArrayList<>();
        for (DwarfDie.Member m : t.members()) {
            out.add(new Type.Member(m.name(), of(m.type()), m.offset(), m.bitSize(), m.bitOffset(), m.baseClass()));
        }
        return out;
    }

    private static Type.Encoding encoding(int ate) {
        return switch (ate) {
            case 0x02 -> Type.Encoding.BOOLEAN;
            case 0x04 -> Type.Encoding.FLOAT;
            case 0x06 -> Type.Encoding.SIGNED_CHAR;
            case 0x08 -> Type.Encoding.UNSIGNED_CHAR;
            case 0x07 -> Type.Encoding.UNSIGNED;
            case 0x10 -> Type.Encoding.CHAR_UTF;
            default -> Type.Encoding.SIGNED;
        };
    }
}
