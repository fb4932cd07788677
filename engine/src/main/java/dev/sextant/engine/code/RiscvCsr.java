package dev.sextant.engine.code;

import static dev.sextant.engine.code.RiscvDecoder.X;
import static dev.sextant.engine.code.RiscvDecoder.of;

import java.util.Map;

/**
 * The Zicsr instructions as objdump writes them: the floating-point and counter aliases first
 * ({@code frflags a0}, {@code fsrm a0}, {@code rdcycle a0}), then {@code csrr}/{@code csrw}/{@code csrs}/{@code csrc}
 * (the immediate forms by the same names), else the full {@code csrrw a0,fcsr,a1}; a CSR by its name where it has
 * one here, else its number in hex ({@code 0x7c0}).
 */
final class RiscvCsr {
    private RiscvCsr() {}

    private static final int FFLAGS = 1, FRM = 2, FCSR = 3;

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(0x001, "fflags"), Map.entry(0x002, "frm"),
            Map.entry(0x003, "fcsr"), Map.entry(0xc00, "cycle"), Map.entry(0xc01, "time"), Map.entry(0xc02, "instret"),
            Map.entry(0x100, "sstatus"), Map.entry(0x104, "sie"), Map.entry(0x105, "stvec"), Map.entry(0x140, "sscratch"),
            Map.entry(0x141, "sepc"), Map.entry(0x142, "scause"), Map.entry(0x143, "stval"), Map.entry(0x144, "sip"),
            Map.entry(0x180, "satp"), Map.entry(0x300, "mstatus"), Map.entry(0x301, "misa"), Map.entry(0x304, "mie"),
            Map.entry(0x305, "mtvec"), Map.entry(0x340, "mscratch"), Map.entry(0x341, "mepc"), Map.entry(0x342, "mcause"),
            Map.entry(0x343, "mtval"), Map.entry(0x344, "mip"), Map.entry(0xf14, "mhartid"));

    /** binutils 2.40 writes the immediate forms by the register forms' names: {@code csrw fcsr,0}, {@code csrrw a0,0x7c0,2}. */
    private static final String[] FULL = {null, "csrrw", "csrrs", "csrrc"}, SHORT = {null, "csrw", "csrs", "csrc"};

    /** {@code f3} 1-3 and 5-7; {@code rs1} is the immediate for 5-7. */
    static String[] spell(int f3, int rd, int rs1, int csr) {
        String name = NAMES.getOrDefault(csr, "0x" + Integer.toHexString(csr));
        String fp = csr == FFLAGS ? "flags" : csr == FRM ? "rm" : csr == FCSR ? "csr" : null;
        if (f3 == 2 && rs1 == 0) {
            if (fp != null) return of("fr" + fp, X[rd]);
            if (csr >= 0xc00 && csr <= 0xc02) return of("rd" + name, X[rd]);
            return of("csrr", X[rd] + "," + name);
        }
        if (f3 == 1 && fp != null) return of("fs" + fp, rd == 0 ? X[rs1] : X[rd] + "," + X[rs1]);
        if (f3 == 5 && fp != null && csr != FCSR) return of("fs" + fp + "i", X[rd] + "," + rs1);
        String source = f3 < 4 ? X[rs1] : Integer.toString(rs1);
        if (rd == 0) return of(SHORT[f3 & 3], name + "," + source);
        return of(FULL[f3 & 3], X[rd] + "," + name + "," + source);
    }
}
