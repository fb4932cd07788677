package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * libdw/libdwfl and libelf, verbatim (direct-mapped for call speed; see libdwfl.h and libdw.h).
 * Loaded by soname: the unversioned names exist only with the -dev packages. Package-private:
 * only {@link Dwfl} calls these.
 */
final class LibDw {
    private LibDw() {}

    static final NativeLibrary DW = NativeLibrary.getInstance("libdw.so.1");
    static final NativeLibrary ELF = NativeLibrary.getInstance("libelf.so.1");

    static {
        Native.register(LibDw.class, DW);
    }

    static final int DWARF_CB_OK = 0, DWARF_CB_ABORT = 1;
    static final int DW_TAG_inlined_subroutine = 0x1d, DW_TAG_subprogram = 0x2e;
    static final int DW_AT_name = 0x03, DW_AT_call_file = 0x58, DW_AT_call_line = 0x59;
    /** sizeof(Dwarf_Die) and sizeof(Dwarf_Attribute) on LP64. */
    static final int SIZEOF_DWARF_DIE = 32, SIZEOF_DWARF_ATTRIBUTE = 24;

    interface ModuleCallback extends Callback {
        int invoke(Pointer module, Pointer userdata, Pointer name, long start, Pointer arg);
    }
    /** {@code Dwfl_Callbacks.find_elf}: returns an fd or -1, may set *file_name (malloc'd) and *elfp. */
    interface FindElf extends Callback {
        int invoke(Pointer module, Pointer userdata, Pointer modname, long base, Pointer fileName, Pointer elfp);
    }

    /*
     * The thread walk's callbacks ({@code Dwfl_Thread_Callbacks}: next_thread, get_thread, memory_read,
     * set_initial_registers; the frame and thread visitors) and calls, with libdwfl's pointers as raw
     * addresses (LP64: a pointer is a long). JNA hands a callback's Pointer argument to Java by
     * constructing a Pointer through JNI, one Java call from native code per argument: memory_read's
     * three made four Java calls per word read, and a core of 100,000 threads reads millions of words.
     * A long is passed as it is.
     */
    interface RawThreadCallback extends Callback { int invoke(long thread, long arg); }
    interface RawFrameCallback extends Callback { int invoke(long frame, long arg); }
    interface RawNextThread extends Callback { int invoke(long dwfl, long dwflArg, long threadArgp); }
    interface RawMemoryRead extends Callback { byte invoke(long dwfl, long addr, long result, long dwflArg); }
    interface RawSetInitialRegisters extends Callback { byte invoke(long thread, long threadArg); }
    interface RawGetThread extends Callback { byte invoke(long dwfl, int tid, long dwflArg, long threadArgp); }
    /** {@code callback}: a function pointer of {@link DirectCallbacks#pointer}, made once for the walk rather than per call. */
    static native int dwfl_getthreads(Pointer dwfl, Pointer callback, Pointer arg);
    static native int dwfl_thread_getframes(long thread, Pointer callback, Pointer arg);
    static native int dwfl_getthread_frames(Pointer dwfl, int tid, Pointer callback, Pointer arg);
    static native int dwfl_thread_tid(long thread);
    static native byte dwfl_frame_pc(long frame, long[] pc, byte[] isactivation);
    static native byte dwfl_thread_state_registers(long thread, int firstreg, int nregs, long[] regs);
    static native void dwfl_thread_state_register_pc(long thread, long pc);

    static native byte dwfl_attach_state(Pointer dwfl, Pointer elf, int pid, Pointer threadCallbacks, Pointer arg);
    // Live processes (linux.Tracer): modules from /proc/PID/maps, lookups by name and line.
    static native int dwfl_linux_proc_report(Pointer dwfl, int pid);

    static native Pointer dwfl_begin(Pointer callbacks);
    static native void dwfl_end(Pointer dwfl);
    static native int dwfl_errno();
    static native String dwfl_errmsg(int error);
    static native void dwfl_report_begin(Pointer dwfl);
    static native int dwfl_report_end(Pointer dwfl, Pointer removed, Pointer arg);
    static native int dwfl_core_file_report(Pointer dwfl, Pointer elf, String executable);
    static native Pointer dwfl_report_module(Pointer dwfl, String name, long start, long end);
    static native int dwfl_module_report_build_id(Pointer mod, byte[] bits, long len, long vaddr);
    static native int dwfl_core_file_attach(Pointer dwfl, Pointer elf);
    static native Pointer dwfl_addrmodule(Pointer dwfl, long address);
    static native Pointer dwfl_module_addrinfo(Pointer mod, long address, long[] offset, byte[] sym,
                                               Pointer shndxp, Pointer elfp, Pointer bias);
    static native Pointer dwfl_module_getsrc(Pointer mod, long addr);
    static native Pointer dwfl_lineinfo(Pointer line, long[] addr, int[] linep, int[] colp, Pointer mtime, Pointer length);
    static native long dwfl_getmodules(Pointer dwfl, ModuleCallback callback, Pointer arg, long offset);
    static native Pointer dwfl_module_info(Pointer mod, Pointer userdata, long[] start, long[] end, long[] dwbias,
                                           long[] symbias, PointerByReference mainfile, PointerByReference debugfile);
    static native int dwfl_module_build_id(Pointer mod, PointerByReference bits, long[] vaddr);
    static native Pointer dwfl_module_getelf(Pointer mod, long[] bias);
    static native Pointer dwfl_module_eh_cfi(Pointer mod, long[] bias);
    static native Pointer dwfl_module_dwarf_cfi(Pointer mod, long[] bias);
    /** Returns 0 and a malloc'd Dwarf_Frame in *frame when an FDE covers address, -1 otherwise. */
    static native int dwarf_cfi_addrframe(Pointer cfi, long address, PointerByReference frame);
    static native Pointer dwfl_module_addrdie(Pointer mod, long addr, long[] bias);
    static native int dwfl_build_id_find_elf(Pointer module, Pointer userdata, Pointer modname, long base,
                                             Pointer fileName, Pointer elfp);
    static native int dwarf_getscopes(Pointer cudie, long pc, PointerByReference scopes);
    static native int dwarf_getscopes_die(Pointer die, PointerByReference scopes);
    static native int dwarf_tag(Pointer die);
    static native Pointer dwarf_diename(Pointer die);
    static native Pointer dwarf_attr_integrate(Pointer die, int name, Pointer result);
    static native int dwarf_formudata(Pointer attr, long[] value);
    static native int dwarf_getsrcfiles(Pointer cudie, PointerByReference files, long[] nfiles);
    static native Pointer dwarf_filesrc(Pointer files, long idx, Pointer mtime, Pointer length);

    // Symbol handler (issue 4): Sextant's own find_debuginfo, symbol tables, DWARF presence.

    /**
     * {@code Dwfl_Callbacks.find_debuginfo}: returns an fd or -1; may set *debuginfo_file_name
     * (malloc'd, libdwfl frees it). {@code debuglinkFile} is NULL when the file has no .gnu_debuglink.
     */
    interface FindDebuginfo extends Callback {
        int invoke(Pointer module, Pointer userdata, Pointer modname, long base, Pointer fileName,
                   Pointer debuglinkFile, int debuglinkCrc, Pointer debuginfoFileName);
    }
    /** libdwfl's own search (debuglink, build-id directories), called from Sextant's wrapper around it. */
    static native int dwfl_standard_find_debuginfo(Pointer module, Pointer userdata, Pointer modname, long base,
                                                   Pointer fileName, Pointer debuglinkFile, int debuglinkCrc,
                                                   Pointer debuginfoFileName);
    /** 0, an errno value (positive), or a libdwfl error (negative). {@code assumeStopped}: C {@code bool}. */
    static native int dwfl_linux_proc_attach(Pointer dwfl, int pid, boolean assumeStopped);
}
