package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;

/**
 * The ELF file header ({@code Elf32_Ehdr}/{@code Elf64_Ehdr}): class, byte order, type, machine and
 * where the program and section header tables are. Immutable.
 */
public record ElfHeader(boolean is64, ByteOrder order, int type, int machine, long entry,
                        long phoff, int phentsize, int phnum, long shoff, int shentsize, int shnum, int shstrndx) {

    public static final int ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
    public static final int EM_386 = 3, EM_X86_64 = 62, EM_AARCH64 = 183;

    /** Reads and validates the header at offset 0; fails fast with a typed error. */
    public static ElfHeader read(ByteReader file) {
        if (file.size() < 16) {
            throw new FormatException(FormatException.Kind.TRUNCATED, 0, "ELF identification",
                    file.size() == 0 ? "the file is empty" : "only " + file.size() + " bytes, too short for an ELF header");
        }
        if (file.u8("e_ident", 0) != 0x7f || file.u8("e_ident", 1) != 'E' || file.u8("e_ident", 2) != 'L'
                || file.u8("e_ident", 3) != 'F') {
            throw new FormatException(FormatException.Kind.BAD_MAGIC, 0, "ELF identification",
                    "not an ELF file (no \\x7fELF magic)");
        }
        int cls = file.u8("EI_CLASS", 4);
        int data = file.u8("EI_DATA", 5);
        if (cls != 1 && cls != 2) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, 4, "EI_CLASS", "unknown ELF class " + cls);
        }
        if (data != 1 && data != 2) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, 5, "EI_DATA", "unknown ELF data encoding " + data);
        }
        boolean is64 = cls == 2;
        ByteReader r = file.withOrder(data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        String w = "ELF header";
        int type = r.u16(w, 16);
        int machine = r.u16(w, 18);
        if (is64) {
            return new ElfHeader(true, r.order(), type, machine, r.u64(w, 24), r.u64(w, 32), r.u16(w, 54),
                    r.u16(w, 56), r.u64(w, 40), r.u16(w, 58), r.u16(w, 60), r.u16(w, 62));
        }
        return new ElfHeader(false, r.order(), type, machine, r.u32(w, 24), r.u32(w, 28), r.u16(w, 42),
                r.u16(w, 44), r.u32(w, 32), r.u16(w, 46), r.u16(w, 48), r.u16(w, 50));
    }

    public String typeName() {
        return switch (type) {
            case ET_REL -> "relocatable object";
            case ET_EXEC -> "executable";
            case ET_DYN -> "shared object or PIE executable";
            case ET_CORE -> "core file";
            case 0 -> "file of no type (e_type ET_NONE)";
            default -> type >= 0xfe00 && type <= 0xfeff ? "file of an OS-specific type (e_type 0x" + Integer.toHexString(type) + ")"
                    : type >= 0xff00 && type <= 0xffff ? "file of a processor-specific type (e_type 0x" + Integer.toHexString(type) + ")"
                    : "file of unknown type (e_type " + type + ")";
        };
    }

    public String machineName() {
        return switch (machine) {
            case EM_386 -> "i386";
            case EM_X86_64 -> "x86_64";
            case EM_AARCH64 -> "aarch64";
            case 40 -> "arm";
            case 8 -> "mips";
            case 21 -> "ppc64";
            case 22 -> "s390";
            case 243 -> "riscv";
            default -> "machine " + machine;
        };
    }
}
