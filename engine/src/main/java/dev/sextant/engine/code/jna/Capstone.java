package dev.sextant.engine.code.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.sextant.engine.api.NativeCallException;
import java.nio.charset.StandardCharsets;
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
    /** What {@link #decodeFrom(int, long, int, List)} decodes into before making its records, reused. */
    private final Run listed = new Run();
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
        Run run = listed;
        run.clear();
        int end = decodeRun(scratch, offset, loaded, address, max - out.size(), run);
        for (int i = 0; i < run.size(); i++) out.add(run.decoded(i));
        return end;
    }

    /** As {@link #decodeFrom(int, long, int, List)}, into a {@link Run}: no object per instruction. */
    public int decodeFrom(int offset, long address, int max, Run out) {
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
    private int decodeRun(Memory code, int offset, int length, long address, int max, Run out) {
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
                    out.add(at, size, raw, b + LibCapstone.OFF_MNEMONIC, LibCapstone.CS_MNEMONIC_SIZE, b + LibCapstone.OFF_OP_STR, LibCapstone.OP_STR_SIZE);
                    offset = (int) (at - address) + size;
                }
            } finally {
                LibCapstone.cs_free(insn[0], n);
            }
            if (n < want) return offset;        // the bytes ended, or a byte sequence is not an instruction
        }
        return offset;
    }

    /**
     * Decoded instructions held in arrays, their mnemonic and operand text as bytes in one pool: what a
     * listing of a whole library (340,000 instructions) decodes into without an object or a
     * {@code String} per instruction; {@link #decoded} makes the {@link Decoded} of one on demand.
     * Reused: {@link #clear} empties it. One owner thread.
     */
    public static final class Run {
        private int n;
        private long[] address = new long[256];
        private int[] size = new int[256], mnemonic = new int[256], operands = new int[256];
        private boolean[] capstone = new boolean[256];
        /** Each instruction's mnemonic, then its operands, each ended by a zero byte. */
        private byte[] text = new byte[8192];
        private int textLength;

        public int size() { return n; }

        public void clear() { n = 0; textLength = 0; }

        /** Keeps the first {@code keep} instructions. */
        public void truncate(int keep) { if (keep < n) n = keep; }

        public long address(int i) { return address[i]; }

        public int length(int i) { return size[i]; }

        /** Whether Capstone decoded it (else {@link #add(Decoded)} put it: a byte Capstone would not decode). */
        public boolean fromCapstone(int i) { return capstone[i]; }

        /** The pool holding the text: the mnemonic from {@link #mnemonicAt}, the operands from {@link #operandsAt}, each up to a zero byte. */
        public byte[] text() { return text; }

        public int mnemonicAt(int i) { return mnemonic[i]; }

        public int operandsAt(int i) { return operands[i]; }

        public Decoded decoded(int i) { return new Decoded(address[i], size[i], string(mnemonic[i]), string(operands[i])); }

        /** One not decoded by Capstone. */
        public void add(Decoded d) {
            byte[] m = d.mnemonic().getBytes(StandardCharsets.ISO_8859_1), o = d.operands().getBytes(StandardCharsets.ISO_8859_1);
            add(d.address(), d.size(), m, 0, m.length, o, 0, o.length, false);
        }

        private void add(long at, int length, byte[] b, int m, int mMax, int o, int oMax) {
            add(at, length, b, m, cLength(b, m, mMax), b, o, cLength(b, o, oMax), true);
        }

        private void add(long at, int length, byte[] m, int mFrom, int mLength, byte[] o, int oFrom, int oLength, boolean fromCapstone) {
            if (n == address.length) {
                int grown = n * 2;
                address = java.util.Arrays.copyOf(address, grown);
                size = java.util.Arrays.copyOf(size, grown);
                mnemonic = java.util.Arrays.copyOf(mnemonic, grown);
                operands = java.util.Arrays.copyOf(operands, grown);
                capstone = java.util.Arrays.copyOf(capstone, grown);
            }
            if (textLength + mLength + oLength + 2 > text.length) text = java.util.Arrays.copyOf(text, Math.max(text.length * 2, textLength + mLength + oLength + 2));
            address[n] = at;
            size[n] = length;
            capstone[n] = fromCapstone;
            mnemonic[n] = textLength;
            System.arraycopy(m, mFrom, text, textLength, mLength);
            textLength += mLength;
            text[textLength++] = 0;
            operands[n] = textLength;
            System.arraycopy(o, oFrom, text, textLength, oLength);
            textLength += oLength;
            text[textLength++] = 0;
            n++;
        }

        private String string(int at) { return new String(text, at, cLength(text, at, text.length - at), StandardCharsets.ISO_8859_1); }

        private static int cLength(byte[] b, int off, int max) {
            int end = off;
            while (end < off + max && b[end] != 0) end++;
            return end - off;
        }
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
