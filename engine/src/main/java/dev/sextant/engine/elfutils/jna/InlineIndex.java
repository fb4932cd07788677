package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The inlined calls of each compile unit, indexed once per unit: {@code dwarf_getscopes} walks the
 * unit's DIE tree on every lookup (most of the time of an {@code ln} with inlines in libc), so the
 * first lookup in a unit walks it once and keeps every {@code DW_TAG_inlined_subroutine} with its
 * address ranges, depth, name and call site. Same answers as {@link Dwfl#symbolize}'s chain.
 * One per {@link Dwfl}; same thread rules.
 */
public final class InlineIndex {

    /** One inlined call: the inlined function's name and where it was called from. */
    public record Inline(Optional<String> function, Optional<String> callFile, OptionalInt callLine) {}

    private record Entry(long low, long high, int depth, Inline call) {}

    private static final int MAX_DEPTH = 64;

    private final Dwfl dwfl;
    private final Map<Long, List<Entry>> units = new HashMap<>();    // key: module handle ^ CU offset
    private final Memory[] dies = new Memory[MAX_DEPTH + 1];
    private final Memory attr = new Memory(LibDw.SIZEOF_DWARF_ATTRIBUTE);

    public InlineIndex(Dwfl dwfl) {
        this.dwfl = dwfl;
        for (int i = 0; i < dies.length; i++) dies[i] = new Memory(LibDw.SIZEOF_DWARF_DIE);
    }

    /** The inlined calls containing {@code address}, innermost first; empty when none or no DWARF. */
    public List<Inline> at(long address) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), address);
        if (mod == null) return List.of();
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, address, bias);
        if (cudie == null) return List.of();
        long key = Pointer.nativeValue(mod) * 31 + LibDwMore.dwarf_dieoffset(cudie);
        List<Entry> entries = units.get(key);
        if (entries == null) {
            entries = index(cudie, bias[0]);
            units.put(key, entries);
        }
        List<Entry> hits = new ArrayList<>(4);
        for (Entry e : entries) {
            if (Long.compareUnsigned(address, e.low) >= 0 && Long.compareUnsigned(address, e.high) < 0) hits.add(e);
        }
        if (hits.isEmpty()) return List.of();
        hits.sort(Comparator.comparingInt(Entry::depth).reversed());
        List<Inline> out = new ArrayList<>(hits.size());
        for (Entry e : hits) out.add(e.call);
        return out;
    }

    /** One inlined call's address range, with how many DIEs deep it is in its unit (not its inline nesting). */
    public record InlineRange(long low, long high, int dieDepth, Inline call) {}

    /** Every inlined call of every compile unit of the module holding {@code pc} (absolute addresses), unit by unit. */
    public void forEachUnit(long pc, java.util.function.Consumer<List<InlineRange>> unit) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), pc);
        if (mod == null) return;
        long[] bias = new long[1];
        for (Pointer cu = LibDwMore.dwfl_module_nextcu(mod, null, bias); cu != null; cu = LibDwMore.dwfl_module_nextcu(mod, cu, bias)) {
            List<InlineRange> out = new ArrayList<>();
            for (Entry e : index(cu, bias[0])) out.add(new InlineRange(e.low(), e.high(), e.depth(), e.call()));
            unit.accept(out);
        }
    }

    private List<Entry> index(Pointer cudie, long bias) {
        List<Entry> out = new ArrayList<>();
        Pointer[] files = {null};
        walkChildren(cudie, 0, bias, out, cudie, files);
        return out;
    }

    private void walkChildren(Pointer parent, int depth, long bias, List<Entry> out, Pointer cudie, Pointer[] files) {
        if (depth >= MAX_DEPTH) return;
        Memory die = dies[depth];
        if (LibDwMore.dwarf_child(parent, die) != 0) return;
        do {
            int tag = LibDw.dwarf_tag(die);
            if (tag == LibDw.DW_TAG_inlined_subroutine) {
                Inline call = describe(die, cudie, files);
                long[] base = new long[1], start = new long[1], end = new long[1];
                long off = 0;
                while ((off = LibDwMore.dwarf_ranges(die, off, base, start, end)) > 0) {
                    out.add(new Entry(start[0] + bias, end[0] + bias, depth, call));
                }
            }
            if (tag == LibDw.DW_TAG_subprogram || tag == LibDw.DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block
                    || tag == DW_TAG_namespace || tag == DW_TAG_structure_type || tag == DW_TAG_class_type) {
                walkChildren(die, depth + 1, bias, out, cudie, files);
            }
        } while (LibDwMore.dwarf_siblingof(die, die) == 0);
    }

    private static final int DW_TAG_lexical_block = 0x0b, DW_TAG_namespace = 0x39, DW_TAG_structure_type = 0x13,
            DW_TAG_class_type = 0x02;

    private Inline describe(Pointer die, Pointer cudie, Pointer[] files) {
        return describe(die, cudie, files, attr);
    }

    /**
     * An inlined-subroutine DIE as a row: its name and where it was called from. {@code files}
     * caches the CU's file table across calls (one slot); {@code attr} is scratch for one
     * {@code Dwarf_Attribute}. Shared with {@link Dwfl}'s per-pc inline chains.
     */
    static Inline describe(Pointer die, Pointer cudie, Pointer[] files, Memory attr) {
        Pointer nm = LibDw.dwarf_diename(die);
        Optional<String> name = nm == null ? Optional.empty() : Optional.of(Demangler.demangle(nm.getString(0)));
        OptionalInt callLine = OptionalInt.empty();
        Optional<String> callFile = Optional.empty();
        long[] v = new long[1];
        if (LibDw.dwarf_attr_integrate(die, LibDw.DW_AT_call_line, attr) != null && LibDw.dwarf_formudata(attr, v) == 0) {
            callLine = OptionalInt.of((int) v[0]);
        }
        if (LibDw.dwarf_attr_integrate(die, LibDw.DW_AT_call_file, attr) != null && LibDw.dwarf_formudata(attr, v) == 0) {
            if (files[0] == null) {
                PointerByReference fr = new PointerByReference();
                long[] nfiles = new long[1];
                if (LibDw.dwarf_getsrcfiles(cudie, fr, nfiles) == 0) files[0] = fr.getValue();
            }
            if (files[0] != null) {
                Pointer src = LibDw.dwarf_filesrc(files[0], v[0], null, null);
                if (src != null) callFile = Optional.of(src.getString(0));
            }
        }
        return new Inline(name, callFile, callLine);
    }
}
