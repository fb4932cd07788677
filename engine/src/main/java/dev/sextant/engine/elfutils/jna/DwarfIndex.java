package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.sextant.engine.elfutils.dwarf.DwarfDie;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Declared;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Ref;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A module's global variables and named types by name, from the top level of every compilation unit
 * (and C++ namespaces, as {@code ns::name}). Built once per module, on first use by a name lookup
 * that found no local.
 */
final class DwarfIndex {
    private static final int TAG_BASE = 0x24, TAG_TYPEDEF = 0x16, TAG_STRUCT = 0x13, TAG_UNION = 0x17, TAG_ENUM = 0x04,
            TAG_CLASS = 0x02;
    private static final int MAX_DIES = 2_000_000;

    private final Map<String, Declared> variables = new HashMap<>();
    private final Map<String, Ref> types = new HashMap<>();
    private int seen;

    Optional<Declared> variable(String name) { return Optional.ofNullable(variables.get(name)); }

    Optional<Ref> type(String name) { return Optional.ofNullable(types.get(name)); }

    static DwarfIndex build(DwarfScopes scopes, DwarfScopes.Mod m) {
        DwarfIndex index = new DwarfIndex();
        long[] bias = new long[1];
        Pointer cu = null;
        while ((cu = LibDwState.dwfl_module_nextcu(m.mod(), cu, bias)) != null && index.seen < MAX_DIES) {
            index.scan(scopes, cu, "", m.start());
        }
        return index;
    }

    private void scan(DwarfScopes scopes, Pointer parent, String prefix, long module) {
        Memory child = new Memory(LibDw.SIZEOF_DWARF_DIE);
        if (LibDwState.dwarf_child(parent, child) != 0) return;
        do {
            if (++seen > MAX_DIES) return;
            int tag = LibDwState.dwarf_tag(child);
            Optional<String> name = DwarfScopes.name(child);
            if (name.isEmpty()) continue;
            String full = prefix + name.get();
            if (tag == DwarfScopes.TAG_NAMESPACE) {
                scan(scopes, child, full + "::", module);
            } else if (tag == DwarfScopes.TAG_VARIABLE) {
                if (LibDwState.dwarf_hasattr(child, DwarfScopes.AT_DECLARATION) != 0) continue;
                DwarfDie.Location loc = scopes.variableLocation(child, 0);
                Declared d = new Declared(full, false, scopes.typeOf(child, module), loc);
                Declared old = variables.get(full);
                if (old == null || old.location() instanceof DwarfDie.Absent) variables.put(full, d);
            } else if (tag == TAG_BASE || tag == TAG_TYPEDEF) {
                types.putIfAbsent(full, new Ref(module, LibDwState.dwarf_dieoffset(child)));
            } else if (tag == TAG_STRUCT || tag == TAG_UNION || tag == TAG_ENUM || tag == TAG_CLASS) {
                if (LibDwState.dwarf_hasattr(child, DwarfScopes.AT_DECLARATION) != 0) continue;
                String keyword = switch (tag) { case TAG_STRUCT -> "struct "; case TAG_UNION -> "union "; case TAG_ENUM -> "enum "; default -> "class "; };
                Ref ref = new Ref(module, LibDwState.dwarf_dieoffset(child));
                types.putIfAbsent(keyword + full, ref);
                types.putIfAbsent(full, ref);   // C++ names classes without the keyword
            }
        } while (LibDwState.dwarf_siblingof(child, child) == 0);
    }
}
