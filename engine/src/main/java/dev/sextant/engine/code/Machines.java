package dev.sextant.engine.code;

import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.code.jna.Capstone;
import java.nio.ByteOrder;

/**
 * The Capstone back end for an ELF file's machine ({@code e_machine}, class and byte order):
 * x86-64, x32 (ELF32 with {@code EM_X86_64}: x86-64 instructions in 64-bit mode, its 32-bit
 * addresses as the file gives them), i386, aarch64, arm (ARM state; Thumb per function, see
 * {@link #thumb}), ppc64 and ppc64le, s390x, mips and mips64 of either byte order; RISC-V (RV64GC,
 * RV32GC) by Sextant's own decoder ({@link RiscvDecoder}), since Capstone 4 (Debian's libcapstone4)
 * has no RISC-V back end. Other machines are refused with a clear error.
 */
public final class Machines {
    private Machines() {}

    public static final int EM_386 = 3, EM_MIPS = 8, EM_PPC64 = 21, EM_S390 = 22, EM_ARM = 40, EM_X86_64 = 62,
            EM_AARCH64 = 183, EM_RISCV = 243;

    /** The decoder for code of this machine, or a {@link TargetException} that says why there is none. */
    public static Capstone.Target target(int machine, boolean is64, ByteOrder order, String what) {
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        return switch (machine) {
            case EM_X86_64 -> Capstone.Target.X86_64;      // x32 too: the same instructions, pointers of 32 bits
            case EM_386 -> Capstone.Target.I386;
            case EM_AARCH64 -> Capstone.Target.AARCH64;
            case EM_ARM -> Capstone.Target.ARM;
            case EM_PPC64 -> little ? Capstone.Target.PPC64LE : Capstone.Target.PPC64;
            case EM_S390 -> Capstone.Target.S390X;
            case EM_MIPS -> is64 ? (little ? Capstone.Target.MIPS64EL : Capstone.Target.MIPS64)
                    : (little ? Capstone.Target.MIPS32EL : Capstone.Target.MIPS32);
            case EM_RISCV -> is64 ? Capstone.Target.RISCV64 : Capstone.Target.RISCV32;
            default -> throw new TargetException(what + ": no disassembler for ELF machine " + machine
                    + " (Sextant disassembles x86-64, x32, i386, aarch64, arm, ppc64, ppc64le, s390x, mips, mips64 and riscv64/riscv32)");
        };
    }

    /** ARM code: a function symbol with its low bit set is Thumb code, at the value without that bit. */
    public static Capstone.Target thumb(Capstone.Target t, long symbolValue) {
        return t == Capstone.Target.ARM && (symbolValue & 1) != 0 ? Capstone.Target.THUMB : t;
    }
}
