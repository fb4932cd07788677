package dev.sextant.engine.format.elf;

import java.nio.ByteOrder;

/**
 * The name GNU binutils give an ELF file's format ({@code objdump -d}'s header line
 * {@code file format elf32-littlearm}), from its machine, class and byte order, as Debian's
 * Linux-configured binutils name them ({@code elf64-tradlittlemips}, not {@code elf64-littlemips}).
 */
public final class BfdTarget {
    private BfdTarget() {}

    private static final int EM_SPARC = 2, EM_386 = 3, EM_68K = 4, EM_MIPS = 8, EM_PPC = 20, EM_PPC64 = 21, EM_S390 = 22,
            EM_ARM = 40, EM_SPARCV9 = 43, EM_IA_64 = 50, EM_X86_64 = 62, EM_AARCH64 = 183, EM_RISCV = 243, EM_LOONGARCH = 258;

    /** {@code elf64-x86-64}, {@code elf32-littlearm}, ...; a machine binutils may not know: {@code elf64-little}. */
    public static String name(ElfHeader h) {
        String bits = h.is64() ? "elf64-" : "elf32-";
        boolean little = h.order() == ByteOrder.LITTLE_ENDIAN;
        String end = little ? "little" : "big";
        return bits + switch (h.machine()) {
            case EM_X86_64 -> "x86-64";
            case EM_386 -> "i386";
            case EM_ARM -> end + "arm";
            case EM_AARCH64 -> end + "aarch64";
            case EM_S390 -> "s390";
            case EM_PPC64, EM_PPC -> little ? "powerpcle" : "powerpc";
            case EM_MIPS -> "trad" + end + "mips";
            case EM_RISCV -> end + "riscv";
            case EM_LOONGARCH -> "loongarch";
            case EM_SPARC, EM_SPARCV9 -> "sparc";
            case EM_68K -> "m68k";
            case EM_IA_64 -> "ia64-" + end;
            default -> end;
        };
    }
}
