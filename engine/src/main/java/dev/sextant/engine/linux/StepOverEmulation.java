package dev.sextant.engine.linux;

import java.util.Optional;

/**
 * An x86-64 instruction simple enough for the debugger to execute itself when a thread resumes from
 * a breakpoint on it, instead of lifting the {@code int3}, single-stepping, waiting and putting it
 * back (two ptrace round trips and four memory writes per hit). What the instruction at a breakpoint
 * placed after a prologue usually is: {@code mov} between a register and a register or memory
 * ({@code 89}/{@code 8b}, 32 or 64 bits), {@code mov r/m, imm32} ({@code c7 /0}), {@code lea}
 * ({@code 8d}), {@code push r64} ({@code 50+r}), {@code nop}s and {@code endbr64}. None of them changes
 * the flags. Anything else (prefixes other than one REX, segment overrides, 8/16-bit forms) is left
 * to single-stepping: {@link #decode} says empty. Decoded once per breakpoint site.
 */
final class StepOverEmulation {
    /** The target's memory for an emulated load or store; false when it cannot be read or written. */
    interface Memory {
        boolean read(long address, byte[] into);

        boolean write(long address, byte[] bytes);
    }

    private enum Kind { NOP, PUSH, STORE_REG, LOAD, STORE_IMM, LEA, MOVE_REG }

    /** struct user_regs_struct word of each x86 register number (rax rcx rdx rbx rsp rbp rsi rdi r8..r15). */
    private static final int[] USER = {10, 11, 12, 5, 19, 4, 13, 14, 9, 8, 7, 6, 3, 2, 1, 0};
    private static final int RIP = 16, RSP = 19;

    private final Kind kind;
    private final int length;
    private final int width;        // 4 or 8 bytes
    private final int reg;          // user_regs index of the register operand
    private final int base;         // user_regs index of the base, -1 none, -2 rip
    private final int index;        // user_regs index of the index, -1 none
    private final int scale;
    private final long disp;
    private final long imm;

    private StepOverEmulation(Kind kind, int length, int width, int reg, int base, int index, int scale, long disp, long imm) {
        this.kind = kind;
        this.length = length;
        this.width = width;
        this.reg = reg;
        this.base = base;
        this.index = index;
        this.scale = scale;
        this.disp = disp;
        this.imm = imm;
    }

    int length() { return length; }

    /** The instruction at the start of {@code code} (the program's own bytes), when it is one this class runs. */
    static Optional<StepOverEmulation> decode(byte[] code) {
        try {
            return Optional.ofNullable(decodeOrNull(code));
        } catch (ArrayIndexOutOfBoundsException e) {
            return Optional.empty();        // the bytes ended inside the instruction
        }
    }

    private static StepOverEmulation decodeOrNull(byte[] c) {
        int op0 = c[0] & 0xff;
        if (op0 == 0x90) return new StepOverEmulation(Kind.NOP, 1, 8, 0, -1, -1, 1, 0, 0);
        if (op0 == 0xf3 && (c[1] & 0xff) == 0x0f && (c[2] & 0xff) == 0x1e && (c[3] & 0xff) == 0xfa) {
            return new StepOverEmulation(Kind.NOP, 4, 8, 0, -1, -1, 1, 0, 0);        // endbr64
        }
        int p = 0;
        int rex = 0;
        if ((op0 & 0xf0) == 0x40) {
            rex = op0;
            p++;
        }
        int op = c[p++] & 0xff;
        if (op >= 0x50 && op <= 0x57 && (rex & 0x08) == 0) {
            return new StepOverEmulation(Kind.PUSH, p, 8, USER[(op - 0x50) | (rex & 1) << 3], -1, -1, 1, 0, 0);
        }
        int width = (rex & 0x08) != 0 ? 8 : 4;
        if (op == 0x0f && (c[p] & 0xff) == 0x1f) {          // nop r/m: only its length matters
            return modrm(c, p + 1, rex, Kind.NOP, width, 0);
        }
        return switch (op) {
            case 0x89 -> modrm(c, p, rex, Kind.STORE_REG, width, 0);
            case 0x8b -> modrm(c, p, rex, Kind.LOAD, width, 0);
            case 0x8d -> modrm(c, p, rex, Kind.LEA, width, 0);
            case 0xc7 -> ((c[p] >> 3) & 7) == 0 ? modrm(c, p, rex, Kind.STORE_IMM, width, 4) : null;
            default -> null;
        };
    }

    /** Decodes ModRM (and SIB, displacement) at {@code p}, then {@code immBytes} of immediate. */
    private static StepOverEmulation modrm(byte[] c, int p, int rex, Kind kind, int width, int immBytes) {
        int m = c[p++] & 0xff;
        int mod = m >>> 6, regField = (m >> 3) & 7 | (rex & 4) << 1, rm = m & 7;
        if (mod == 3) {
            if (kind == Kind.NOP) return new StepOverEmulation(Kind.NOP, p, width, 0, -1, -1, 1, 0, 0);
            if (kind == Kind.LEA) return null;
            int dst = USER[rm | (rex & 1) << 3];
            if (kind == Kind.STORE_IMM) return new StepOverEmulation(Kind.MOVE_REG, p + 4, width, dst, -1, -1, 1, 0, i32(c, p));
            int src = USER[regField];
            return kind == Kind.STORE_REG ? new StepOverEmulation(Kind.MOVE_REG, p, width, dst, src, -1, 1, 0, 0)
                    : new StepOverEmulation(Kind.MOVE_REG, p, width, src, dst, -1, 1, 0, 0);
        }
        int base, index = -1, scale = 1;
        if (rm == 4) {
            int sib = c[p++] & 0xff;
            scale = 1 << (sib >>> 6);
            int idx = (sib >> 3) & 7 | (rex & 2) << 2;
            if (idx != 4) index = USER[idx];
            int b = sib & 7;
            base = (b == 5 && mod == 0) ? -1 : USER[b | (rex & 1) << 3];
            if (b == 5 && mod == 0) mod = 2;                 // disp32, no base
        } else if (rm == 5 && mod == 0) {
            base = -2;                                         // rip-relative
            mod = 2;
        } else {
            base = USER[rm | (rex & 1) << 3];
        }
        long disp = 0;
        if (mod == 1) disp = c[p++];
        else if (mod == 2) { disp = i32(c, p); p += 4; }
        long imm = immBytes == 4 ? i32(c, p) : 0;
        return new StepOverEmulation(kind, p + immBytes, width, USER[regField], base, index, scale, disp, imm);
    }

    private static long i32(byte[] c, int p) {
        return (c[p] & 0xff) | (c[p + 1] & 0xff) << 8 | (c[p + 2] & 0xff) << 16 | (long) c[p + 3] << 24;
    }

    /**
     * Runs the instruction on {@code regs} (a stopped thread's user_regs_struct with rip at the
     * instruction) and memory; false, with {@code regs} unchanged, when memory could not be read or
     * written (single-step instead: the fault is the program's to take).
     */
    boolean apply(long[] regs, Memory memory) {
        long next = regs[RIP] + length;
        switch (kind) {
            case NOP -> { }
            case PUSH -> {
                long sp = regs[RSP] - 8;
                if (!memory.write(sp, le(regs[reg], 8))) return false;
                regs[RSP] = sp;
            }
            case MOVE_REG -> regs[reg] = narrow(base >= 0 ? regs[base] : imm);
            case LEA -> regs[reg] = narrow(address(regs, next));
            case LOAD -> {
                byte[] b = new byte[width];
                if (!memory.read(address(regs, next), b)) return false;
                long v = 0;
                for (int i = width - 1; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
                regs[reg] = v;                              // a 32-bit load zero-extends
            }
            case STORE_REG -> { if (!memory.write(address(regs, next), le(regs[reg], width))) return false; }
            case STORE_IMM -> { if (!memory.write(address(regs, next), le(imm, width))) return false; }
        }
        regs[RIP] = next;
        return true;
    }

    private long narrow(long v) { return width == 8 ? v : v & 0xffff_ffffL; }

    private long address(long[] regs, long next) {
        long a = disp;
        if (base == -2) a += next;
        else if (base >= 0) a += regs[base];
        if (index >= 0) a += regs[index] * scale;
        return a;
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }
}
