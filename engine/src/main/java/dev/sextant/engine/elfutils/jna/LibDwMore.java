package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The libdw/libdwfl functions that reading a stack does not call: symbol tables, line tables and
 * the DIE walks of symbol search ({@link DwflSymbols}, {@link SourceLookup}, {@link InlineIndex}).
 * Apart from {@link LibDw} because JNA registers a class's functions all at once, a good part of a
 * short command's start: {@code sextant stack} registers only what it calls. Package-private.
 */
final class LibDwMore {
    private LibDwMore() {}

    static {
        Native.register(LibDwMore.class, LibDw.DW);
    }

    static native int dwfl_module_getsymtab(Pointer mod);
    static native Pointer dwfl_module_getsym_info(Pointer mod, int ndx, byte[] sym, long[] addr, int[] shndx,
                                                  Pointer elfp, long[] bias);
    static native int dwfl_module_getsrc_file(Pointer mod, String fname, int lineno, int column,
                                              PointerByReference srcsp, long[] nsrcs);
    static native int dwfl_getsrclines(Pointer cudie, long[] nlines);
    static native Pointer dwfl_onesrcline(Pointer cudie, long idx);
    static native Pointer dwfl_module_getdwarf(Pointer mod, long[] bias);
    static native Pointer dwfl_module_nextcu(Pointer mod, Pointer lastcu, long[] bias);
    static native int dwarf_child(Pointer die, Pointer result);
    static native int dwarf_siblingof(Pointer die, Pointer result);
    static native int dwarf_ranges(Pointer die, long offset, long[] basep, long[] startp, long[] endp);
    static native long dwarf_dieoffset(Pointer die);
    static native Pointer dwfl_dwarf_line(Pointer line, long[] bias);
    static native int dwarf_lineendsequence(Pointer line, byte[] flag);
}
