package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The inlined-subroutine DIEs of one compile unit: each described as a {@link DwflModule.InlineCall}
 * (the unit's file table read once), and the unit's whole tree walked for {@link DwflModule#unitInlines}.
 */
final class InlineDies {
    private static final int MAX_DEPTH = 64;
    private static final int DW_TAG_lexical_block = 0x0b, DW_TAG_namespace = 0x39, DW_TAG_structure_type = 0x13,
            DW_TAG_class_type = 0x02;

    private final Pointer cudie;
    private final Memory attr = new Memory(LibDw.SIZEOF_DWARF_ATTRIBUTE);
    private Pointer files;

    InlineDies(Pointer cudie) { this.cudie = cudie; }

    /** Every inlined call under the unit with its address ranges ({@code bias} added) and depth. */
    List<DwflModule.InlineRange> walk(long bias) {
        List<DwflModule.InlineRange> out = new ArrayList<>();
        Memory[] dies = new Memory[MAX_DEPTH + 1];
        for (int i = 0; i < dies.length; i++) dies[i] = new Memory(LibDw.SIZEOF_DWARF_DIE);
        walkChildren(cudie, 0, bias, out, dies);
        return out;
    }

    private void walkChildren(Pointer parent, int depth, long bias, List<DwflModule.InlineRange> out, Memory[] dies) {
        if (depth >= MAX_DEPTH) return;
        Memory die = dies[depth];
        if (LibDwMore.dwarf_child(parent, die) != 0) return;
        do {
            int tag = LibDw.dwarf_tag(die);
            if (tag == LibDw.DW_TAG_inlined_subroutine) {
                DwflModule.InlineCall call = describe(die);
                long[] base = new long[1], start = new long[1], end = new long[1];
                long off = 0;
                while ((off = LibDwMore.dwarf_ranges(die, off, base, start, end)) > 0) {
                    out.add(new DwflModule.InlineRange(start[0] + bias, end[0] + bias, depth, call));
                }
            }
            if (tag == LibDw.DW_TAG_subprogram || tag == LibDw.DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block
                    || tag == DW_TAG_namespace || tag == DW_TAG_structure_type || tag == DW_TAG_class_type) {
                walkChildren(die, depth + 1, bias, out, dies);
            }
        } while (LibDwMore.dwarf_siblingof(die, die) == 0);
    }

    /** An inlined-subroutine DIE as a call: its name (as in the DWARF) and where it was called from. */
    DwflModule.InlineCall describe(Pointer die) {
        Pointer nm = LibDw.dwarf_diename(die);
        Optional<String> name = nm == null ? Optional.empty() : Optional.of(nm.getString(0));
        OptionalInt callLine = OptionalInt.empty();
        Optional<String> callFile = Optional.empty();
        long[] v = new long[1];
        if (LibDw.dwarf_attr_integrate(die, LibDw.DW_AT_call_line, attr) != null && LibDw.dwarf_formudata(attr, v) == 0) {
            callLine = OptionalInt.of((int) v[0]);
        }
        if (LibDw.dwarf_attr_integrate(die, LibDw.DW_AT_call_file, attr) != null && LibDw.dwarf_formudata(attr, v) == 0) {
            if (files == null) {
                PointerByReference fr = new PointerByReference();
                long[] nfiles = new long[1];
                if (LibDw.dwarf_getsrcfiles(cudie, fr, nfiles) == 0) files = fr.getValue();
            }
            if (files != null) {
                Pointer src = LibDw.dwarf_filesrc(files, v[0], null, null);
                if (src != null) callFile = Optional.of(src.getString(0));
            }
        }
        return new DwflModule.InlineCall(name, callFile, callLine);
    }
}
