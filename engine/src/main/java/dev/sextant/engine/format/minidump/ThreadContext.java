package dev.sextant.engine.format.minidump;

import dev.sextant.engine.api.Register;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * A thread's general registers from a minidump {@code CONTEXT}: x86 ({@code CONTEXT_i386}), x86-64
 * ({@code CONTEXT_AMD64}), 32-bit arm (Breakpad's and Crashpad's {@code MDRawContextARM}, as Android
 * and Linux arm write it) and arm64 (Windows/Crashpad {@code CONTEXT_ARM64} and Breakpad's older
 * layout). {@code pc}, {@code sp} and {@code fp} are pulled out for the stack walker. Immutable.
 */
public record ThreadContext(String arch, long flags, List<Register> registers, long pc, long sp, long fp) {
    public ThreadContext { registers = List.copyOf(registers); }

    public static final int X86_SIZE = 716, AMD64_SIZE = 1232, ARM64_SIZE = 912, ARM_SIZE = 368;
    public static final long FLAG_X86 = 0x10000, FLAG_AMD64 = 0x100000, FLAG_ARM64 = 0x400000, FLAG_ARM64_OLD = 0x80000000L,
            FLAG_ARM = 0x40000000L;

    public int wordSize() { return arch.equals("x86") || arch.equals("arm") ? 4 : 8; }

    /** Decodes a context; {@code arch} is the system info's processor architecture, or unknown (then size and flags decide). */
    public static ThreadContext read(ByteReader c, int arch) {
        if (c.size() == 0) {
            throw new FormatException(FormatException.Kind.TRUNCATED, c.base(), "thread context", "the context is empty");
        }
        return switch (arch) {
            case SystemInfo.ARCH_X86 -> x86(c);
            case SystemInfo.ARCH_AMD64 -> amd64(c);
            case SystemInfo.ARCH_ARM -> arm(c);
            case SystemInfo.ARCH_ARM64, SystemInfo.ARCH_ARM64_OLD -> arm64(c);
            case SystemInfo.ARCH_UNKNOWN -> guess(c);
            default -> throw new FormatException(FormatException.Kind.UNSUPPORTED, c.base(), "thread context",
                    "registers of processor architecture 0x" + Integer.toHexString(arch) + " are not decoded");
        };
    }

    private static ThreadContext guess(ByteReader c) {
        if (c.size() >= 52 && (c.u32("context flags", 48) & 0xfff00000L) == FLAG_AMD64) return amd64(c);
        long f0 = c.u32("context flags", 0);
        if ((f0 & 0xffff0000L) == FLAG_X86) return x86(c);
        if ((f0 & 0xfff00000L) == FLAG_ARM64 || f0 == (FLAG_ARM64_OLD | (f0 & 0xff))) return arm64(c);
        if ((f0 & 0xfff00000L) == FLAG_ARM) return arm(c);
        throw new FormatException(FormatException.Kind.UNSUPPORTED, c.base(), "thread context",
                "context of " + c.size() + " bytes with flags 0x" + Long.toHexString(f0) + " matches no known processor");
    }

    private static ThreadContext x86(ByteReader c) {
        String w = "x86 context";
        need(c, 204, w);
        String[] names = {"gs", "fs", "es", "ds", "edi", "esi", "ebx", "edx", "ecx", "eax", "ebp", "eip", "cs", "eflags", "esp", "ss"};
        List<Register> regs = new ArrayList<>(16);
        long[] v = new long[names.length];
        for (int i = 0; i < names.length; i++) v[i] = c.u32(w, 140 + 4L * i);
        // ABI (DWARF) order: eax ecx edx ebx esp ebp esi edi eip eflags, then segments
        int[] order = {9, 8, 7, 6, 14, 10, 5, 4, 11, 13, 12, 15, 3, 2, 1, 0};
        for (int i : order) regs.add(new Register(names[i], v[i]));
        return new ThreadContext("x86", c.u32(w, 0), regs, v[11], v[14], v[10]);
    }

    private static ThreadContext amd64(ByteReader c) {
        String w = "amd64 context";
        need(c, 256, w);
        String[] gp = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
        long[] v = new long[16];
        for (int i = 0; i < 16; i++) v[i] = c.u64(w, 120 + 8L * i);
        long rip = c.u64(w, 248);
        List<Register> regs = new ArrayList<>(24);
        int[] dwarf = {0, 2, 1, 3, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15}; // rax rdx rcx rbx rsi rdi rbp rsp r8..r15
        for (int i : dwarf) regs.add(new Register(gp[i], v[i]));
        regs.add(new Register("rip", rip));
        regs.add(new Register("eflags", c.u32(w, 68)));
        String[] seg = {"cs", "ds", "es", "fs", "gs", "ss"};
        for (int i = 0; i < seg.length; i++) regs.add(new Register(seg[i], c.u16(w, 56 + 2L * i)));
        return new ThreadContext("amd64", c.u32(w, 48), regs, rip, v[4], v[5]);
    }

    /**
     * {@code MDRawContextARM}: u32 flags, r0..r15 ({@code iregs}; r13 sp, r14 lr, r15 pc), u32 cpsr, then
     * the VFP save area. The frame pointer is r11, as Breakpad's arm stackwalker takes it (ARM-mode
     * code; Thumb code keeps r7, which only CFI follows).
     */
    private static ThreadContext arm(ByteReader c) {
        String w = "arm context";
        need(c, 72, w);
        List<Register> regs = new ArrayList<>(17);
        long[] r = new long[16];
        for (int i = 0; i < 16; i++) r[i] = c.u32(w, 4 + 4L * i);
        for (int i = 0; i < 13; i++) regs.add(new Register("r" + i, r[i]));   // DWARF 0..15 in order
        regs.add(new Register("sp", r[13]));
        regs.add(new Register("lr", r[14]));
        regs.add(new Register("pc", r[15]));
        regs.add(new Register("cpsr", c.u32(w, 68)));
        return new ThreadContext("arm", c.u32(w, 0), regs, r[15], r[13], r[11]);
    }

    private static ThreadContext arm64(ByteReader c) {
        String w = "arm64 context";
        long f0 = c.u32(w, 0);
        boolean old = (f0 & FLAG_ARM64_OLD) != 0 && (f0 & 0xfff00000L) != FLAG_ARM64;
        List<Register> regs = new ArrayList<>(34);
        long fp, sp, pc, cpsr;
        if (old) { // Breakpad MDRawContextARM64_Old: u64 flags, x0..x31 (x31 = sp), pc, u32 cpsr
            need(c, 276, w);
            for (int i = 0; i < 29; i++) regs.add(new Register("x" + i, c.u64(w, 8 + 8L * i)));
            fp = c.u64(w, 8 + 8L * 29);
            long lr = c.u64(w, 8 + 8L * 30);
            sp = c.u64(w, 8 + 8L * 31);
            pc = c.u64(w, 264);
            cpsr = c.u32(w, 272);
            regs.add(new Register("x29", fp));
            regs.add(new Register("x30", lr));
        } else { // CONTEXT_ARM64: u32 flags, u32 cpsr, x0..x28, fp, lr, sp, pc
            need(c, 272, w);
            cpsr = c.u32(w, 4);
            for (int i = 0; i < 29; i++) regs.add(new Register("x" + i, c.u64(w, 8 + 8L * i)));
            fp = c.u64(w, 240);
            regs.add(new Register("x29", fp));
            regs.add(new Register("x30", c.u64(w, 248)));
            sp = c.u64(w, 256);
            pc = c.u64(w, 264);
        }
        regs.add(new Register("sp", sp));
        regs.add(new Register("pc", pc));
        regs.add(new Register("cpsr", cpsr));
        return new ThreadContext("arm64", f0, regs, pc, sp, fp);
    }

    private static void need(ByteReader c, long n, String w) {
        if (c.size() < n) {
            throw new FormatException(FormatException.Kind.TRUNCATED, c.base(), w, "context of " + c.size() + " bytes, needs at least " + n);
        }
    }
}
