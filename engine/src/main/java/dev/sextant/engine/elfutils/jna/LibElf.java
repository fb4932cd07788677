package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** libelf, verbatim (libelf.h). Package-private: only {@link Dwfl} calls these. */
final class LibElf {
    private LibElf() {}

    static {
        Native.register(LibElf.class, LibDw.ELF);
    }

    static final int EV_CURRENT = 1;
    static final int ELF_C_READ = 1;
    static final int ELF_C_READ_MMAP = 8;

    static native int elf_version(int version);
    static native Pointer elf_begin(int fd, int cmd, Pointer ref);
    static native Pointer elf_memory(Pointer image, long size);
    static native int elf_end(Pointer elf);
    static native Pointer elf_getident(Pointer elf, Pointer size);
    static native int elf_errno();
    static native String elf_errmsg(int error);
}
