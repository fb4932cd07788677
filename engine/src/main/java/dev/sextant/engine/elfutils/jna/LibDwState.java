package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The libdw calls that reading variables makes (libdw.h, verbatim): scopes, attributes, forms,
 * locations, types, CFA. Apart from {@link LibDw} so that commands that never read a variable do not
 * register them. Package-private: only {@link DwarfScopes} calls these.
 */
final class LibDwState {
    private LibDwState() {}

    static {
        Native.register(LibDwState.class, LibDw.DW);
    }

    /** sizeof(Dwarf_Op) on LP64: uint8_t atom; Dwarf_Word number, number2, offset. */
    static final int SIZEOF_DWARF_OP = 32;
    /** sizeof(Dwarf_Block): Dwarf_Word length; unsigned char *data. */
    static final int SIZEOF_DWARF_BLOCK = 16;

    static native int dwarf_getscopes(Pointer cudie, long pc, PointerByReference scopes);
    static native int dwarf_getscopes_die(Pointer die, PointerByReference scopes);
    static native int dwarf_tag(Pointer die);
    static native Pointer dwarf_diename(Pointer die);
    static native int dwarf_child(Pointer die, Pointer result);
    static native int dwarf_siblingof(Pointer die, Pointer result);
    static native long dwarf_dieoffset(Pointer die);
    static native Pointer dwarf_offdie(Pointer dbg, long offset, Pointer result);
    static native Pointer dwarf_attr_integrate(Pointer die, int name, Pointer result);
    static native int dwarf_hasattr_integrate(Pointer die, int name);
    static native int dwarf_hasattr(Pointer die, int name);
    static native int dwarf_whatform(Pointer attr);
    static native int dwarf_formudata(Pointer attr, long[] value);
    static native int dwarf_formsdata(Pointer attr, long[] value);
    static native int dwarf_formflag(Pointer attr, byte[] value);
    static native int dwarf_formblock(Pointer attr, Pointer block);
    static native Pointer dwarf_formref_die(Pointer attr, Pointer result);
    /** Returns how many of {@code nlocs} expressions were stored, 0 when none covers address, -1 on error. */
    static native int dwarf_getlocation_addr(Pointer attr, long address, Pointer exprs, Pointer exprlens, long nlocs);
    static native int dwarf_getlocation(Pointer attr, PointerByReference expr, long[] exprlen);
    static native int dwarf_bytesize(Pointer die);
    static native int dwarf_bitsize(Pointer die);
    static native int dwarf_srclang(Pointer die);
    static native Pointer dwarf_diecu(Pointer die, Pointer result, byte[] addressSize, byte[] offsetSize);
    static native int dwarf_frame_cfa(Pointer frame, PointerByReference ops, long[] nops);
    static native int dwarf_cfi_addrframe(Pointer cfi, long address, PointerByReference frame);
    static native Pointer dwfl_module_getdwarf(Pointer mod, long[] bias);
    static native Pointer dwfl_module_nextcu(Pointer mod, Pointer lastcu, long[] bias);
    static native Pointer dwfl_module_addrdie(Pointer mod, long addr, long[] bias);
    static native Pointer dwfl_addrmodule(Pointer dwfl, long address);
    static native Pointer dwfl_module_eh_cfi(Pointer mod, long[] bias);
    static native Pointer dwfl_module_dwarf_cfi(Pointer mod, long[] bias);
    static native Pointer dwfl_module_info(Pointer mod, Pointer userdata, long[] start, long[] end, long[] dwbias,
                                           long[] symbias, Pointer mainfile, Pointer debugfile);
    static native Pointer dwfl_module_addrinfo(Pointer mod, long address, long[] offset, byte[] sym,
                                               Pointer shndxp, Pointer elfp, Pointer bias);
    static native int dwfl_module_getsymtab(Pointer mod);
    static native Pointer dwfl_module_getsym_info(Pointer mod, int ndx, byte[] sym, long[] addr, int[] shndx,
                                                  Pointer elfp, long[] bias);
    static native long dwfl_getmodules(Pointer dwfl, LibDw.ModuleCallback callback, Pointer arg, long offset);
}
