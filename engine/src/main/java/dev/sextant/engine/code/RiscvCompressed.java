package dev.sextant.engine.code;

import static dev.sextant.engine.code.RiscvDecoder.F;
import static dev.sextant.engine.code.RiscvDecoder.X;
import static dev.sextant.engine.code.RiscvDecoder.hex;
import static dev.sextant.engine.code.RiscvDecoder.of;
import static dev.sextant.engine.code.RiscvDecoder.upper;

/**
 * The C extension's 16-bit instructions, spelt as objdump spells the 32-bit instruction each
 * expands to ({@code c.addi16sp} as {@code add sp,sp,-48}, {@code c.jr ra} as {@code ret}); RV64 and
 * RV32 differ in quadrants 0 and 2 ({@code ld}/{@code flw}) and in 1's {@code addiw}/{@code jal}.
 * A reserved encoding is null; {@code 0000} is objdump's {@code unimp}.
 */
final class RiscvCompressed {
    private RiscvCompressed() {}

    private static int bits(int h, int hi, int lo) { return h >>> lo & (1 << (hi - lo + 1)) - 1; }

    private static int bit(int h, int b) { return h >>> b & 1; }

    /** A 6-bit signed immediate: bit 12 and bits 6:2. */
    private static int imm6(int h) { return (bit(h, 12) << 5 | bits(h, 6, 2)) << 26 >> 26; }

    /** The instruction, or null when {@code h} encodes none. */
    static String[] decode(int h, long pc, boolean rv64) {
        return switch (h & 3) {
            case 0 -> quadrant0(h, rv64);
            case 1 -> quadrant1(h, pc, rv64);
            default -> quadrant2(h, rv64);
        };
    }

    private static String[] quadrant0(int h, boolean rv64) {
        String rd = X[8 + bits(h, 4, 2)], base = X[8 + bits(h, 9, 7)];
        int word = bits(h, 12, 10) << 3 | bit(h, 6) << 2 | bit(h, 5) << 6;
        int dword = bits(h, 12, 10) << 3 | bits(h, 6, 5) << 6;
        return switch (bits(h, 15, 13)) {
            case 0 -> {
                if (h == 0) yield of("unimp", "");
                int imm = bits(h, 12, 11) << 4 | bits(h, 10, 7) << 6 | bit(h, 6) << 2 | bit(h, 5) << 3;
                yield imm == 0 ? null : of("add", rd + ",sp," + imm);
            }
            case 1 -> of("fld", F[8 + bits(h, 4, 2)] + "," + dword + "(" + base + ")");
            case 2 -> of("lw", rd + "," + word + "(" + base + ")");
            case 3 -> rv64 ? of("ld", rd + "," + dword + "(" + base + ")") : of("flw", F[8 + bits(h, 4, 2)] + "," + word + "(" + base + ")");
            case 5 -> of("fsd", F[8 + bits(h, 4, 2)] + "," + dword + "(" + base + ")");
            case 6 -> of("sw", rd + "," + word + "(" + base + ")");
            case 7 -> rv64 ? of("sd", rd + "," + dword + "(" + base + ")") : of("fsw", F[8 + bits(h, 4, 2)] + "," + word + "(" + base + ")");
            default -> null;
        };
    }

    private static String[] quadrant1(int h, long pc, boolean rv64) {
        int rd = bits(h, 11, 7), imm = imm6(h);
        return switch (bits(h, 15, 13)) {
            case 0 -> rd != 0 ? of("add", X[rd] + "," + X[rd] + "," + imm) : imm == 0 ? of("nop", "") : of("c.nop", Integer.toString(imm));
            case 1 -> !rv64 ? of("jal", hex(pc + jumpOffset(h)))
                    : rd == 0 ? null : imm == 0 ? of("sext.w", X[rd] + "," + X[rd]) : of("addw", X[rd] + "," + X[rd] + "," + imm);
            case 2 -> of("li", X[rd] + "," + imm);
            case 3 -> {
                if (rd == 2) {
                    int sp = (bit(h, 12) << 9 | bit(h, 6) << 4 | bit(h, 5) << 6 | bits(h, 4, 3) << 7 | bit(h, 2) << 5) << 22 >> 22;
                    yield sp == 0 ? null : of("add", "sp,sp," + sp);
                }
                yield imm == 0 ? null : of("lui", X[rd] + "," + upper(imm));
            }
            case 4 -> arithmetic(h, rv64);
            case 5 -> of("j", hex(pc + jumpOffset(h)));
            case 6, 7 -> {
                int off = (bit(h, 12) << 8 | bits(h, 11, 10) << 3 | bits(h, 6, 5) << 6 | bits(h, 4, 3) << 1 | bit(h, 2) << 5) << 23 >> 23;
                yield of(bits(h, 15, 13) == 6 ? "beqz" : "bnez", X[8 + bits(h, 9, 7)] + "," + hex(pc + off));
            }
            default -> null;
        };
    }

    /** c.j and c.jal: offset[11|4|9:8|10|6|7|3:1|5] in bits 12:2. */
    private static int jumpOffset(int h) {
        int off = bit(h, 12) << 11 | bit(h, 11) << 4 | bits(h, 10, 9) << 8 | bit(h, 8) << 10 | bit(h, 7) << 6 | bit(h, 6) << 7
                | bits(h, 5, 3) << 1 | bit(h, 2) << 5;
        return off << 20 >> 20;
    }

    private static String[] arithmetic(int h, boolean rv64) {
        String rd = X[8 + bits(h, 9, 7)], rs2 = X[8 + bits(h, 4, 2)], self = rd + "," + rd + ",";
        int shamt = bit(h, 12) << 5 | bits(h, 6, 2);
        return switch (bits(h, 11, 10)) {
            case 0 -> !rv64 && shamt > 31 ? null : of("srl", self + "0x" + Integer.toHexString(shamt));
            case 1 -> !rv64 && shamt > 31 ? null : of("sra", self + "0x" + Integer.toHexString(shamt));
            case 2 -> of("and", self + imm6(h));
            default -> {
                String m = bit(h, 12) == 0 ? new String[] {"sub", "xor", "or", "and"}[bits(h, 6, 5)]
                        : rv64 ? new String[] {"subw", "addw", null, null}[bits(h, 6, 5)] : null;
                yield m == null ? null : of(m, self + rs2);
            }
        };
    }

    private static String[] quadrant2(int h, boolean rv64) {
        int rd = bits(h, 11, 7), rs2 = bits(h, 6, 2);
        int word = bit(h, 12) << 5 | bits(h, 6, 4) << 2 | bits(h, 3, 2) << 6;
        int dword = bit(h, 12) << 5 | bits(h, 6, 5) << 3 | bits(h, 4, 2) << 6;
        int storeWord = bits(h, 12, 9) << 2 | bits(h, 8, 7) << 6;
        int storeDword = bits(h, 12, 10) << 3 | bits(h, 9, 7) << 6;
        return switch (bits(h, 15, 13)) {
            case 0 -> {
                int shamt = bit(h, 12) << 5 | rs2;
                if (shamt == 0) yield of("c.slli64", X[rd]);
                yield !rv64 && shamt > 31 ? null : of("sll", X[rd] + "," + X[rd] + ",0x" + Integer.toHexString(shamt));
            }
            case 1 -> of("fld", F[rd] + "," + dword + "(sp)");
            case 2 -> rd == 0 ? null : of("lw", X[rd] + "," + word + "(sp)");
            case 3 -> rv64 ? (rd == 0 ? null : of("ld", X[rd] + "," + dword + "(sp)")) : of("flw", F[rd] + "," + word + "(sp)");
            case 4 -> {
                if (bit(h, 12) == 0) {
                    if (rs2 != 0) yield of("mv", X[rd] + "," + X[rs2]);
                    yield rd == 0 ? null : rd == 1 ? of("ret", "") : of("jr", X[rd]);
                }
                if (rs2 != 0) yield of("add", X[rd] + "," + X[rd] + "," + X[rs2]);
                yield rd == 0 ? of("ebreak", "") : of("jalr", X[rd]);
            }
            case 5 -> of("fsd", F[rs2] + "," + storeDword + "(sp)");
            case 6 -> of("sw", X[rs2] + "," + storeWord + "(sp)");
            default -> rv64 ? of("sd", X[rs2] + "," + storeDword + "(sp)") : of("fsw", F[rs2] + "," + storeWord + "(sp)");
        };
    }
}
