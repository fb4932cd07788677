package dev.sextant.engine.code.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.sextant.engine.api.NativeCallException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Capstone handle (x86-64 or i386 in Intel syntax, or another {@link Target}), details off (the decoder's fastest mode):
 * {@code cs_open}, {@code cs_option}, {@code cs_disasm}/{@code cs_free}, {@code cs_close},
 * translated. A {@code cs_err} other than {@code CS_ERR_OK} becomes a {@link NativeCallException}
 * with {@code cs_strerror}'s text. The decoded {@code cs_insn} array is copied out in one block and
 * freed before {@link #decodeFrom} returns. Not thread-safe: one owner (the engine thread, or a tool).
 */
public final class Capstone implements AutoCloseable {
    /** One decoded instruction: Capstone's mnemonic and operand text (lower case, Intel syntax). */
    public record Decoded(long address, int size, String mnemonic, String operands) {}

    /**
     * The Capstone 4 back ends and modes Sextant uses ({@code cs_arch}, {@code cs_mode}); {@code unit}
     * is the smallest instruction size (what a byte sequence that decodes to nothing is skipped by).
     * Capstone 4 has no RISC-V back end (5.0 added it): {@link #RISCV64} and {@link #RISCV32} are
     * decoded by Sextant's own decoder in {@code dev.sextant.engine.code}, and {@link #open} refuses them.
     */
    public enum Target {
        X86_64(LibCapstone.CS_ARCH_X86, LibCapstone.CS_MODE_64, 1),
        /** 32-bit x86 (protected mode). x32 code is x86-64 instructions with 32-bit pointers: {@link #X86_64}. */
        I386(LibCapstone.CS_ARCH_X86, LibCapstone.CS_MODE_32, 1),
        AARCH64(LibCapstone.CS_ARCH_ARM64, 0, 4),
        ARM(LibCapstone.CS_ARCH_ARM, 0, 4),
        THUMB(LibCapstone.CS_ARCH_ARM, LibCapstone.CS_MODE_THUMB, 2),
        PPC64(LibCapstone.CS_ARCH_PPC, LibCapstone.CS_MODE_64 | LibCapstone.CS_MODE_BIG_ENDIAN, 4),
        PPC64LE(LibCapstone.CS_ARCH_PPC, LibCapstone.CS_MODE_64, 4),
        S390X(LibCapstone.CS_ARCH_SYSZ, LibCapstone.CS_MODE_BIG_ENDIAN, 2),
        MIPS64(LibCapstone.CS_ARCH_MIPS, LibCapstone.CS_MODE_64 | LibCapstone.CS_MODE_BIG_ENDIAN, 4),
        MIPS64EL(LibCapstone.CS_ARCH_MIPS, LibCapstone.CS_MODE_64, 4),
        MIPS32(LibCapstone.CS_ARCH_MIPS, LibCapstone.CS_MODE_32 | LibCapstone.CS_MODE_BIG_ENDIAN, 4),
        MIPS32EL(LibCapstone.CS_ARCH_MIPS, LibCapstone.CS_MODE_32, 4),
        RISCV64(NOT_CAPSTONE, 0, 2),
        RISCV32(NOT_CAPSTONE, 0, 2);

        final int arch;
        final int mode;
        private final int unit;

        Target(int arch, int mode, int unit) {
            this.arch = arch;
            this.mode = mode;
            this.unit = unit;
        }

        public int unit() { return unit; }

        /** Whether libcapstone decodes this target (every one but RISC-V). */
        public boolean capstone() { return arch != NOT_CAPSTONE; }

        /** x86-64 or i386: decoded in Intel syntax and written as {@code objdump -d -M intel} writes it. */
        public boolean x86() { return arch == LibCapstone.CS_ARCH_X86; }
    }

    private static final int NOT_CAPSTONE = -1;

    private static volatile Optional<String> unavailable;
    private long handle;
    private Memory scratch;
    private int loaded;
    /** Where a batch's cs_insn array is copied to, reused. */
    private byte[] raw = new byte[0];

    private Capstone(long handle) { this.handle = handle; }

    /** Why libcapstone.so.4 cannot be used here (not installed), or empty when it can. */
    public static Optional<String> unavailableReason() {
        Optional<String> u = unavailable;
        if (u == null) {
            try {
                int[] major = new int[1], minor = new int[1];
                LibCapstone.cs_version(major, minor);
                u = major[0] >= 4 ? Optional.empty()
                        : Optional.of("libcapstone.so is version " + major[0] + "." + minor[0] + "; Sextant needs 4 or later (apt-get install libcapstone4)");
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                u = Optional.of("the Capstone disassembler (libcapstone.so.4) is not installed: apt-get install libcapstone4");
            }
            unavailable = u;
        }
        return u;
    }

    /** cs_open(CS_ARCH_X86, CS_MODE_64) with CS_OPT_SYNTAX_INTEL. */
    public static Capstone openX86_64() { return open(Target.X86_64); }

    /** cs_open for {@code target}, details off; x86-64 and i386 in Intel syntax. */
    public static Capstone open(Target target) {
        if (!target.capstone()) throw new IllegalArgumentException(target + " is not a Capstone 4 back end");
        unavailableReason().ifPresent(r -> { throw new IllegalStateException(r); });
        long[] h = new long[1];
        check("cs_open(" + target + ")", LibCapstone.cs_open(target.arch, target.mode, h));
        Capstone c = new Capstone(h[0]);
        try {
            if (target.x86()) {
                check("cs_option(CS_OPT_SYNTAX)", LibCapstone.cs_option(h[0], LibCapstone.CS_OPT_SYNTAX, LibCapstone.CS_OPT_SYNTAX_INTEL));
            }
            check("cs_option(CS_OPT_DETAIL)", LibCapstone.cs_option(h[0], LibCapstone.CS_OPT_DETAIL, LibCapstone.CS_OPT_OFF));
        } catch (NativeCallException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Copies {@code code[0, length)} to the native buffer that {@link #decodeFrom} reads. */
    public void load(byte[] code, int length) {
        if (handle == 0) throw new IllegalStateException("the Capstone handle is closed");
        if (length < 0 || length > code.length) throw new IllegalArgumentException("length " + length + " of " + code.length + " bytes");
        if (scratch == null || scratch.size() < Math.max(length, 1)) {
            if (scratch != null) scratch.close();
            scratch = new Memory(Math.max(length, 4096));
        }
        if (length > 0) scratch.write(0, code, 0, length);
        loaded = length;
    }

    /**
     * Decodes the loaded bytes from {@code offset} (which lies at {@code address + offset}) into
     * {@code out}, until {@code out} holds {@code max} instructions, the bytes end, or a byte
     * sequence is not a valid instruction; returns the offset after the last one decoded.
     */
    public int decodeFrom(int offset, long address, int max, List<Decoded> out) {
        if (offset < 0 || offset >= loaded || out.size() >= max) return offset;
        return decodeRun(scratch, offset, loaded, address, max, out);
    }

    /**
     * At most this many instructions per cs_disasm call. Capstone grows its result array by realloc as
     * it decodes: asked for a whole section (libc's .text, 340,000 instructions) it built an 80 MB
     * array that was then copied out whole, and a batch over glibc's mmap threshold (128 KiB, 546 of
     * Capstone's 240-byte cs_insn) is mapped and unmapped at every call, its pages cleared by the
     * kernel each time. 256 stay on malloc's heap: libc's .text in 0.09 s of CPU instead of 0.3-0.7 s.
     */
    private static final int BATCH = 256;

    /** cs_disasm calls from {@code offset} in {@link #BATCH}es; returns the offset after the last decoded instruction. */
    private int decodeRun(Memory code, int offset, int length, long address, int max, List<Decoded> out) {
        long[] insn = new long[1];
        while (offset < length && out.size() < max) {
            int want = Math.min(BATCH, max - out.size());
            long n = LibCapstone.cs_disasm(handle, code.share(offset), length - offset, address + offset, want, insn);
            if (n <= 0 || insn[0] == 0) return offset;
            try {
                if (n > want) throw new IllegalStateException("cs_disasm returned " + n + " instructions of " + want);
                int bytes = (int) n * LibCapstone.CS_INSN_SIZE;
                if (raw.length < bytes) raw = new byte[BATCH * LibCapstone.CS_INSN_SIZE];
                new Pointer(insn[0]).read(0, raw, 0, bytes);
                for (int i = 0; i < n; i++) {
                    int b = i * LibCapstone.CS_INSN_SIZE;
                    long at = u64(raw, b + LibCapstone.OFF_ADDRESS);
                    int size = (raw[b + LibCapstone.OFF_SIZE] & 0xff) | (raw[b + LibCapstone.OFF_SIZE + 1] & 0xff) << 8;
                    out.add(new Decoded(at, size, cString(raw, b + LibCapstone.OFF_MNEMONIC, LibCapstone.CS_MNEMONIC_SIZE),
                            cString(raw, b + LibCapstone.OFF_OP_STR, LibCapstone.OP_STR_SIZE)));
                    offset = (int) (at - address) + size;
                }
            } finally {
                LibCapstone.cs_free(insn[0], n);
            }
            if (n < want) return offset;        // the bytes ended, or a byte sequence is not an instruction
        }
        return offset;
    }

    private static String cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private static long u64(byte[] b, int o) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[o + i] & 0xff);
        return v;
    }

    private static void check(String call, int err) {
        if (err != LibCapstone.CS_ERR_OK) {
            String text = LibCapstone.cs_strerror(err);
            throw new NativeCallException(call, err, text == null ? "cs_err " + err : text);
        }
    }

    /** cs_close; safe to call twice. */
    @Override public void close() {
        if (handle == 0) return;
        long[] h = {handle};
        handle = 0;
        LibCapstone.cs_close(h);
        if (scratch != null) scratch.close();
        scratch = null;
    }
}
