package dev.sextant.engine.unwind;

/**
 * One decoded x64 {@code UNWIND_CODE} operation. {@code codeOffset} is the prolog offset after the
 * instruction (for {@link Op#EPILOG}, the epilog size or offset as documented below), {@code info}
 * the 4-bit operation info, {@code register} the register (x64 numbering: rax, rcx, rdx, rbx, rsp,
 * rbp, rsi, rdi, r8–r15; xmm number for XMM saves; -1 when none), {@code value} the allocation
 * size, stack offset or epilog offset, and {@code slots} how many 16-bit slots it occupied. Immutable.
 */
public record UnwindCode(int codeOffset, Op op, int info, int register, long value, int slots) {

    /** {@code UWOP_*} codes; 6 and 7 mean different things in version 1 and version 2 unwind info. */
    public enum Op {
        PUSH_NONVOL(0), ALLOC_LARGE(1), ALLOC_SMALL(2), SET_FPREG(3), SAVE_NONVOL(4), SAVE_NONVOL_FAR(5),
        /** v1: save an XMM register's low half (long obsolete, decoded as binutils does). */
        SAVE_XMM(6),
        /** v2: an epilog location ({@code UWOP_EPILOG}). */
        EPILOG(6),
        /** v1: far form of {@link #SAVE_XMM}; v2: {@code UWOP_SPARE_CODE}. */
        SAVE_XMM_FAR(7),
        SAVE_XMM128(8), SAVE_XMM128_FAR(9), PUSH_MACHFRAME(10),
        /** A code this decoder does not know (11–15). */
        UNKNOWN(-1);

        public final int code;
        Op(int code) { this.code = code; }
    }

    public static final String[] REGISTERS = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

    public static String registerName(int reg) {
        return reg >= 0 && reg < REGISTERS.length ? REGISTERS[reg] : "r?" + reg;
    }

    /** A one-line description (binutils' wording, so that listings compare with objdump -p). */
    public String describe(int frameRegister, int frameOffsetScaled) {
        return switch (op) {
            case PUSH_NONVOL -> "push " + registerName(register);
            case ALLOC_LARGE -> "alloc large area: rsp = rsp - 0x" + Long.toHexString(value);
            case ALLOC_SMALL -> "alloc small area: rsp = rsp - 0x" + Long.toHexString(value);
            case SET_FPREG -> "FPReg: " + registerName(frameRegister) + " = rsp + 0x" + Integer.toHexString(frameOffsetScaled)
                    + " (info = 0x" + Integer.toHexString(info) + ")";
            case SAVE_NONVOL, SAVE_NONVOL_FAR -> "save " + registerName(register) + " at rsp + 0x" + Long.toHexString(value);
            case SAVE_XMM, SAVE_XMM_FAR -> "save mm" + register + " at rsp + 0x" + Long.toHexString(value);
            case SAVE_XMM128, SAVE_XMM128_FAR -> "save xmm" + register + " at rsp + 0x" + Long.toHexString(value);
            case PUSH_MACHFRAME -> "interrupt entry (SS, old RSP, EFLAGS, CS, RIP"
                    + (info == 0 ? ")" : info == 1 ? ",ErrorCode)" : ", unknown(" + info + "))");
            case EPILOG -> String.format("epilog %02x %01x", codeOffset, info);
            case UNKNOWN -> "Unknown: " + Long.toHexString(value);
        };
    }
}
