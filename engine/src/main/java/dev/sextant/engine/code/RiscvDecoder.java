package dev.sextant.engine.code;

import dev.sextant.engine.code.jna.Capstone;
import java.util.ArrayList;
import java.util.List;

/**
 * Sextant's own RISC-V decoder (Capstone 4 has no RISC-V back end): RV64GC, that is RV64I with the
 * M, A, F, D, Zicsr, Zifencei and C extensions, and RV32GC where it differs only in the compressed
 * quadrants and shift amounts. It writes what {@code riscv64-linux-gnu-objdump -d} writes: ABI
 * register names, decimal immediates ({@code lui}/{@code auipc} in hex), branch and jump targets as
 * absolute hex addresses without {@code 0x}, and objdump's aliases ({@code li}, {@code mv},
 * {@code ret}, {@code j}, {@code beqz}, {@code sext.w}, {@code csrr}, {@code frflags}, ...). An encoding
 * it does not know is {@code (bad)} of the size its low bits give (2, or 4 when they are {@code 11})
 * and decoding goes on after it. Pure Java, stateless.
 */
final class RiscvDecoder {
    private final boolean rv64;

    RiscvDecoder(boolean rv64) { this.rv64 = rv64; }

    static final String[] X = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
            "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
    static final String[] F = {"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4",
            "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
    private static final String[] ROUNDING = {"rne", "rtz", "rdn", "rup", "rmm", null, null, "dyn"};

    /** Decodes {@code code[0, length)} lying at {@code address}, at most {@code max} instructions. */
    List<Capstone.Decoded> decode(byte[] code, int length, long address, int max) {
        List<Capstone.Decoded> out = new ArrayList<>(Math.min(max, length / 3 + 1));
        int offset = 0;
        while (offset + 2 <= length && out.size() < max) {
            int low = (code[offset] & 0xff) | (code[offset + 1] & 0xff) << 8;
            long at = address + offset;
            if ((low & 3) != 3) {
                out.add(orBad(RiscvCompressed.decode(low, at, rv64), at, 2));
                offset += 2;
            } else if (offset + 4 <= length) {
                int insn = low | (code[offset + 2] & 0xff) << 16 | (code[offset + 3] & 0xff) << 24;
                out.add(orBad(decode32(insn, at), at, 4));
                offset += 4;
            } else {
                break;      // half an instruction at the end: objdump shows nothing for it either
            }
        }
        return out;
    }

    private static Capstone.Decoded orBad(String[] text, long at, int size) {
        return text == null ? new Capstone.Decoded(at, size, ObjdumpSpelling.BAD, "") : new Capstone.Decoded(at, size, text[0], text[1]);
    }

    static String[] of(String mnemonic, String operands) { return new String[] {mnemonic, operands}; }

    static String hex(long v) { return Long.toHexString(v); }

    /** objdump's {@code 0x12} for a {@code lui}/{@code auipc} immediate (its 20 bits, unsigned). */
    static String upper(long imm20) { return "0x" + Long.toHexString(imm20 & 0xfffff); }

    private String[] decode32(int i, long pc) {
        int rd = i >>> 7 & 31, rs1 = i >>> 15 & 31, rs2 = i >>> 20 & 31, f3 = i >>> 12 & 7, f7 = i >>> 25;
        int immI = i >> 20;
        return switch (i & 0x7f) {
            case 0x37 -> of("lui", X[rd] + "," + upper(i >>> 12));
            case 0x17 -> of("auipc", X[rd] + "," + upper(i >>> 12));
            case 0x6f -> jal(rd, pc + immJ(i));
            case 0x67 -> f3 != 0 ? null : jalr(rd, rs1, immI);
            case 0x63 -> branch(f3, rs1, rs2, pc + immB(i));
            case 0x03 -> load(f3, rd, rs1, immI);
            case 0x23 -> store(f3, rs2, rs1, immS(i));
            case 0x13 -> opImm(f3, rd, rs1, immI);
            case 0x1b -> opImm32(f3, f7, rd, rs1, immI);
            case 0x33 -> op(f3, f7, rd, rs1, rs2);
            case 0x3b -> op32(f3, f7, rd, rs1, rs2);
            case 0x0f -> fence(i, f3);
            case 0x73 -> system(i, f3, rd, rs1);
            case 0x2f -> amo(i, f3, rd, rs1, rs2);
            case 0x07 -> f3 == 2 ? of("flw", F[rd] + "," + immI + "(" + X[rs1] + ")")
                    : f3 == 3 ? of("fld", F[rd] + "," + immI + "(" + X[rs1] + ")") : null;
            case 0x27 -> f3 == 2 ? of("fsw", F[rs2] + "," + immS(i) + "(" + X[rs1] + ")")
                    : f3 == 3 ? of("fsd", F[rs2] + "," + immS(i) + "(" + X[rs1] + ")") : null;
            case 0x43, 0x47, 0x4b, 0x4f -> fused(i, rd, rs1, rs2, f3);
            case 0x53 -> RiscvFloat.op(f7, f3, rd, rs1, rs2, rv64);
            default -> null;
        };
    }

    static long immJ(int i) {
        return (long) ((i >> 31) << 20 | (i >>> 21 & 0x3ff) << 1 | (i >>> 20 & 1) << 11 | (i >>> 12 & 0xff) << 12);
    }

    static long immB(int i) {
        return (long) ((i >> 31) << 12 | (i >>> 25 & 0x3f) << 5 | (i >>> 8 & 0xf) << 1 | (i >>> 7 & 1) << 11);
    }

    static int immS(int i) { return (i >> 25) << 5 | (i >>> 7 & 31); }

    static String[] jal(int rd, long target) {
        return rd == 0 ? of("j", hex(target)) : rd == 1 ? of("jal", hex(target)) : of("jal", X[rd] + "," + hex(target));
    }

    static String[] jalr(int rd, int rs1, int imm) {
        if (rd == 0 && rs1 == 1 && imm == 0) return of("ret", "");
        if (rd == 0) return of("jr", imm == 0 ? X[rs1] : imm + "(" + X[rs1] + ")");
        if (rd == 1) return of("jalr", imm == 0 ? X[rs1] : imm + "(" + X[rs1] + ")");
        return of("jalr", X[rd] + "," + (imm == 0 ? X[rs1] : imm + "(" + X[rs1] + ")"));
    }

    static String[] branch(int f3, int rs1, int rs2, long target) {
        String t = hex(target);
        return switch (f3) {
            case 0 -> rs2 == 0 ? of("beqz", X[rs1] + "," + t) : of("beq", X[rs1] + "," + X[rs2] + "," + t);
            case 1 -> rs2 == 0 ? of("bnez", X[rs1] + "," + t) : of("bne", X[rs1] + "," + X[rs2] + "," + t);
            case 4 -> rs2 == 0 ? of("bltz", X[rs1] + "," + t) : rs1 == 0 ? of("bgtz", X[rs2] + "," + t)
                    : of("blt", X[rs1] + "," + X[rs2] + "," + t);
            case 5 -> rs1 == 0 ? of("blez", X[rs2] + "," + t) : rs2 == 0 ? of("bgez", X[rs1] + "," + t)
                    : of("bge", X[rs1] + "," + X[rs2] + "," + t);
            case 6 -> of("bltu", X[rs1] + "," + X[rs2] + "," + t);
            case 7 -> of("bgeu", X[rs1] + "," + X[rs2] + "," + t);
            default -> null;
        };
    }

    /** By funct3; the doubleword and unsigned-word ones RV64 only. */
    private static final String[] LOADS = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", null}, STORES = {"sb", "sh", "sw", "sd"};

    private String[] load(int f3, int rd, int rs1, int imm) {
        String m = LOADS[f3];
        return m == null || !rv64 && (f3 == 3 || f3 == 6) ? null : of(m, X[rd] + "," + imm + "(" + X[rs1] + ")");
    }

    private String[] store(int f3, int rs2, int rs1, int imm) {
        return f3 > 3 || !rv64 && f3 == 3 ? null : of(STORES[f3], X[rs2] + "," + imm + "(" + X[rs1] + ")");
    }

    /**
     * binutils 2.40 writes the immediate forms with the register form's name ({@code addi} as
     * {@code add sp,sp,-16}, {@code srai} as {@code sra a5,a1,0x3}: shift amounts in hex) except
     * {@code slti}/{@code sltiu}; aliases first ({@code li}, {@code mv}, {@code seqz}, {@code not}, {@code zext.b}).
     */
    private String[] opImm(int f3, int rd, int rs1, int imm) {
        String r = X[rd] + "," + X[rs1] + ",";
        int high = (imm & 0xfff) >>> (rv64 ? 6 : 5);
        String shamt = "0x" + Integer.toHexString(imm & (rv64 ? 0x3f : 0x1f));
        return switch (f3) {
            case 0 -> rd == 0 && rs1 == 0 && imm == 0 ? of("nop", "") : rs1 == 0 ? of("li", X[rd] + "," + imm)
                    : imm == 0 ? of("mv", X[rd] + "," + X[rs1]) : of("add", r + imm);
            case 2 -> of("slti", r + imm);
            case 3 -> imm == 1 ? of("seqz", X[rd] + "," + X[rs1]) : of("sltiu", r + imm);
            case 4 -> imm == -1 ? of("not", X[rd] + "," + X[rs1]) : of("xor", r + imm);
            case 6 -> of("or", r + imm);
            case 7 -> imm == 255 ? of("zext.b", X[rd] + "," + X[rs1]) : of("and", r + imm);
            case 1 -> high == 0 ? of("sll", r + shamt) : null;
            case 5 -> high == 0 ? of("srl", r + shamt) : high == (rv64 ? 0x10 : 0x20) ? of("sra", r + shamt) : null;
            default -> null;
        };
    }

    private String[] opImm32(int f3, int f7, int rd, int rs1, int imm) {
        if (!rv64) return null;
        String r = X[rd] + "," + X[rs1] + ",";
        String shamt = "0x" + Integer.toHexString(imm & 31);
        return switch (f3) {
            case 0 -> imm == 0 ? of("sext.w", X[rd] + "," + X[rs1]) : of("addw", r + imm);
            case 1 -> f7 == 0 ? of("sllw", r + shamt) : null;
            case 5 -> f7 == 0 ? of("srlw", r + shamt) : f7 == 0x20 ? of("sraw", r + shamt) : null;
            default -> null;
        };
    }

    private static final String[] OP = {"add", "sll", "slt", "sltu", "xor", "srl", "or", "and"};
    private static final String[] MUL = {"mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"};

    private static String[] op(int f3, int f7, int rd, int rs1, int rs2) {
        String m;
        if (f7 == 0) m = OP[f3];
        else if (f7 == 1) m = MUL[f3];
        else if (f7 == 0x20 && f3 == 0) m = "sub";
        else if (f7 == 0x20 && f3 == 5) m = "sra";
        else return null;
        if (m.equals("sub") && rs1 == 0) return of("neg", X[rd] + "," + X[rs2]);
        if (m.equals("sltu") && rs1 == 0) return of("snez", X[rd] + "," + X[rs2]);
        if (m.equals("slt") && rs2 == 0) return of("sltz", X[rd] + "," + X[rs1]);
        if (m.equals("slt") && rs1 == 0) return of("sgtz", X[rd] + "," + X[rs2]);
        return of(m, X[rd] + "," + X[rs1] + "," + X[rs2]);
    }

    private String[] op32(int f3, int f7, int rd, int rs1, int rs2) {
        if (!rv64) return null;
        String m = switch (f7 << 3 | f3) {
            case 0 -> "addw";
            case 1 -> "sllw";
            case 5 -> "srlw";
            case 0x20 << 3 -> "subw";
            case 0x20 << 3 | 5 -> "sraw";
            case 1 << 3 -> "mulw";
            case 1 << 3 | 4 -> "divw";
            case 1 << 3 | 5 -> "divuw";
            case 1 << 3 | 6 -> "remw";
            case 1 << 3 | 7 -> "remuw";
            default -> null;
        };
        if (m == null) return null;
        if (m.equals("subw") && rs1 == 0) return of("negw", X[rd] + "," + X[rs2]);
        return of(m, X[rd] + "," + X[rs1] + "," + X[rs2]);
    }

    private static String[] fence(int i, int f3) {
        if (f3 == 1) return i == 0x0000100f ? of("fence.i", "") : null;
        if (f3 != 0 || (i & 0x000f8f80) != 0) return null;
        int fm = i >>> 28, pred = i >>> 24 & 15, succ = i >>> 20 & 15;
        if (fm == 8 && pred == 3 && succ == 3) return of("fence.tso", "");
        if (fm != 0) return null;
        return pred == 15 && succ == 15 ? of("fence", "") : of("fence", fenceSet(pred) + "," + fenceSet(succ));
    }

    private static String fenceSet(int bits) {
        StringBuilder s = new StringBuilder();
        if ((bits & 8) != 0) s.append('i');
        if ((bits & 4) != 0) s.append('o');
        if ((bits & 2) != 0) s.append('r');
        if ((bits & 1) != 0) s.append('w');
        return s.length() == 0 ? "unknown" : s.toString();
    }

    private static String[] system(int i, int f3, int rd, int rs1) {
        if (f3 == 0) {
            return switch (i) {
                case 0x00000073 -> of("ecall", "");
                case 0x00100073 -> of("ebreak", "");
                case 0x10200073 -> of("sret", "");
                case 0x30200073 -> of("mret", "");
                case 0x10500073 -> of("wfi", "");
                case 0x12000073 -> of("sfence.vma", "");
                default -> null;
            };
        }
        if (f3 == 4) return null;
        return RiscvCsr.spell(f3, rd, rs1, i >>> 20);
    }

    private static final String[] AMO = new String[32];

    static {
        AMO[0] = "amoadd";
        AMO[1] = "amoswap";
        AMO[2] = "lr";
        AMO[3] = "sc";
        AMO[4] = "amoxor";
        AMO[8] = "amoor";
        AMO[12] = "amoand";
        AMO[16] = "amomin";
        AMO[20] = "amomax";
        AMO[24] = "amominu";
        AMO[28] = "amomaxu";
    }

    private String[] amo(int i, int f3, int rd, int rs1, int rs2) {
        String m = AMO[i >>> 27];
        if (m == null || !(f3 == 2 || f3 == 3 && rv64)) return null;
        String order = switch (i >>> 25 & 3) {
            case 0 -> "";
            case 1 -> ".rl";
            case 2 -> ".aq";
            default -> ".aqrl";
        };
        String name = m + (f3 == 2 ? ".w" : ".d") + order;
        if (m.equals("lr")) return rs2 == 0 ? of(name, X[rd] + ",(" + X[rs1] + ")") : null;
        return of(name, X[rd] + "," + X[rs2] + ",(" + X[rs1] + ")");
    }

    private static String[] fused(int i, int rd, int rs1, int rs2, int rm) {
        int fmt = i >>> 25 & 3;
        if (fmt > 1 || ROUNDING[rm] == null) return null;
        String base = switch (i & 0x7f) {
            case 0x43 -> "fmadd";
            case 0x47 -> "fmsub";
            case 0x4b -> "fnmsub";
            default -> "fnmadd";
        };
        return of(base + (fmt == 0 ? ".s" : ".d"), F[rd] + "," + F[rs1] + "," + F[rs2] + "," + F[i >>> 27] + rounding(rm));
    }

    /** objdump's {@code ,rtz} after the operands when the rounding mode is not the dynamic one. */
    static String rounding(int rm) { return rm == 7 ? "" : "," + ROUNDING[rm]; }

    static boolean validRounding(int rm) { return ROUNDING[rm] != null; }
}
