package dev.sextant.engine.code;

import static dev.sextant.engine.code.RiscvDecoder.F;
import static dev.sextant.engine.code.RiscvDecoder.X;
import static dev.sextant.engine.code.RiscvDecoder.of;
import static dev.sextant.engine.code.RiscvDecoder.rounding;
import static dev.sextant.engine.code.RiscvDecoder.validRounding;

/**
 * RISC-V's OP-FP major opcode (F and D) as objdump writes it: the rounding mode after the operands
 * unless it is the dynamic one ({@code fcvt.w.d a0,fa0,rtz}); the exact conversions
 * ({@code fcvt.d.w}, {@code fcvt.d.wu}, {@code fcvt.d.s}) only with the mode bits zero and then without
 * it; sign injection of a register with itself as {@code fmv}/{@code fneg}/{@code fabs}.
 */
final class RiscvFloat {
    private RiscvFloat() {}

    private static final String[] INT = {"w", "wu", "l", "lu"};

    /** The instruction, or null when these fields encode none. */
    static String[] op(int f7, int rm, int rd, int rs1, int rs2, boolean rv64) {
        int fmt = f7 & 3;
        if (fmt > 1) return null;
        String t = fmt == 0 ? ".s" : ".d";
        String three = F[rd] + "," + F[rs1] + "," + F[rs2];
        return switch (f7 >>> 2) {
            case 0x00, 0x01, 0x02, 0x03 -> validRounding(rm)
                    ? of(new String[] {"fadd", "fsub", "fmul", "fdiv"}[f7 >>> 2] + t, three + rounding(rm)) : null;
            case 0x0b -> rs2 == 0 && validRounding(rm) ? of("fsqrt" + t, F[rd] + "," + F[rs1] + rounding(rm)) : null;
            case 0x04 -> signInjection(rm, t, rd, rs1, rs2, three);
            case 0x05 -> rm == 0 ? of("fmin" + t, three) : rm == 1 ? of("fmax" + t, three) : null;
            case 0x08 -> fmt == 0 && rs2 == 1 && validRounding(rm) ? of("fcvt.s.d", F[rd] + "," + F[rs1] + rounding(rm))
                    : fmt == 1 && rs2 == 0 && rm == 0 ? of("fcvt.d.s", F[rd] + "," + F[rs1]) : null;
            case 0x14 -> rm == 2 ? of("feq" + t, X[rd] + "," + F[rs1] + "," + F[rs2])
                    : rm == 1 ? of("flt" + t, X[rd] + "," + F[rs1] + "," + F[rs2])
                    : rm == 0 ? of("fle" + t, X[rd] + "," + F[rs1] + "," + F[rs2]) : null;
            case 0x18 -> rs2 < (rv64 ? 4 : 2) && validRounding(rm)
                    ? of("fcvt." + INT[rs2] + t, X[rd] + "," + F[rs1] + rounding(rm)) : null;
            case 0x1a -> toFloat(fmt, rm, rd, rs1, rs2, rv64);
            case 0x1c -> rs2 != 0 ? null : rm == 0 && (fmt == 0 || rv64) ? of(fmt == 0 ? "fmv.x.w" : "fmv.x.d", X[rd] + "," + F[rs1])
                    : rm == 1 ? of("fclass" + t, X[rd] + "," + F[rs1]) : null;
            case 0x1e -> rs2 == 0 && rm == 0 && (fmt == 0 || rv64) ? of(fmt == 0 ? "fmv.w.x" : "fmv.d.x", F[rd] + "," + X[rs1]) : null;
            default -> null;
        };
    }

    private static String[] signInjection(int rm, String t, int rd, int rs1, int rs2, String three) {
        if (rm > 2) return null;
        if (rs1 == rs2) return of(new String[] {"fmv", "fneg", "fabs"}[rm] + t, F[rd] + "," + F[rs1]);
        return of(new String[] {"fsgnj", "fsgnjn", "fsgnjx"}[rm] + t, three);
    }

    /** {@code fcvt.d.w} and {@code fcvt.d.wu} are exact: no rounding mode (objdump: none but zero is valid). */
    private static String[] toFloat(int fmt, int rm, int rd, int rs1, int rs2, boolean rv64) {
        if (rs2 >= (rv64 ? 4 : 2) || !validRounding(rm)) return null;
        String m = "fcvt" + (fmt == 0 ? ".s." : ".d.") + INT[rs2];
        if (fmt == 1 && rs2 < 2) return rm == 0 ? of(m, F[rd] + "," + X[rs1]) : null;
        return of(m, F[rd] + "," + X[rs1] + rounding(rm));
    }
}
