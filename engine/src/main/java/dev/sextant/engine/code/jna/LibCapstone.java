package dev.sextant.engine.code.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * Capstone 4's C API ({@code capstone.h}), verbatim and direct-mapped, loaded by soname
 * ({@code libcapstone.so.4}, Debian's {@code libcapstone4}). A {@code csh} is a {@code size_t}; an
 * out-parameter of pointer type is a one-element {@code long[]}. Package-private: only
 * {@link Capstone} calls these.
 */
final class LibCapstone {
    private LibCapstone() {}

    static {
        Native.register(LibCapstone.class, NativeLibrary.getInstance("libcapstone.so.4"));
    }

    // enum cs_arch, cs_mode, cs_opt_type, cs_opt_value, cs_err
    static final int CS_ARCH_ARM = 0, CS_ARCH_ARM64 = 1, CS_ARCH_MIPS = 2, CS_ARCH_X86 = 3, CS_ARCH_PPC = 4, CS_ARCH_SYSZ = 6;
    static final int CS_MODE_32 = 1 << 2, CS_MODE_64 = 1 << 3, CS_MODE_THUMB = 1 << 4, CS_MODE_BIG_ENDIAN = 1 << 31;
    static final int CS_OPT_SYNTAX = 1, CS_OPT_DETAIL = 2;
    static final long CS_OPT_SYNTAX_INTEL = 1, CS_OPT_OFF = 0;
    static final int CS_ERR_OK = 0;

    /** sizeof(cs_insn) and its field offsets on LP64: id, address, size, bytes[16], mnemonic[32], op_str[160], detail. */
    static final int CS_INSN_SIZE = 240, OFF_ADDRESS = 8, OFF_SIZE = 16, OFF_BYTES = 18, OFF_MNEMONIC = 34, OFF_OP_STR = 66;
    static final int CS_MNEMONIC_SIZE = 32, OP_STR_SIZE = 160;

    static native int cs_version(int[] major, int[] minor);

    static native int cs_open(int arch, int mode, long[] handle);

    static native int cs_option(long handle, int type, long value);

    /** size_t cs_disasm(csh, const uint8_t *code, size_t code_size, uint64_t address, size_t count, cs_insn **insn). */
    static native long cs_disasm(long handle, Pointer code, long codeSize, long address, long count, long[] insn);

    static native void cs_free(long insn, long count);

    static native int cs_errno(long handle);

    static native String cs_strerror(int code);

    static native int cs_close(long[] handle);
}
