package dev.sextant.engine.format.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code struct elf_prstatus} keeps the thread id and the general registers on each
 * architecture, and what {@code pr_reg} holds: the kernel's {@code elf_gregset_t} (its
 * {@code user_regs_struct} or {@code pt_regs} order), register by register with its size. The
 * header before {@code pr_reg} is the generic one: {@code pr_pid} at 32 and {@code pr_reg} at 112
 * on 64-bit targets, 24 and 72 on 32-bit ones (x32 too: an ELF32 core whose registers are 64-bit).
 * Immutable.
 *
 * @param arch      the architecture's name as eu-readelf and gdb say it ({@code ppc64le}, {@code s390x})
 * @param pidOffset offset of {@code pr_pid} in the note
 * @param regOffset offset of {@code pr_reg} in the note
 * @param registers {@code pr_reg}'s fields in order; names are the ABI's
 * @param pc        index in {@code registers} of the program counter
 * @param sp        index in {@code registers} of the stack pointer
 */
public record PrStatusLayout(String arch, int pidOffset, int regOffset, List<Field> registers, int pc, int sp) {

    /** One register in {@code pr_reg}: its name, offset from {@code pr_reg} and size in bytes (4 or 8). */
    public record Field(String name, int offset, int size) {}

    public static final int EM_MIPS = 8, EM_PPC = 20, EM_PPC64 = 21, EM_S390 = 22, EM_ARM = 40, EM_RISCV = 243;

    public PrStatusLayout { registers = List.copyOf(registers); }

    /** Bytes of {@code pr_reg}. */
    public int regBytes() {
        Field last = registers.get(registers.size() - 1);
        return last.offset() + last.size();
    }

    /** The layout for a core's header; empty for an architecture whose registers Sextant does not decode. */
    public static Optional<PrStatusLayout> of(ElfHeader eh) {
        boolean be = eh.order() == java.nio.ByteOrder.BIG_ENDIAN;
        boolean w64 = eh.is64();
        int pid = w64 ? 32 : 24, reg = w64 ? 112 : 72;
        Builder b = new Builder();
        String arch;
        switch (eh.machine()) {
            case ElfHeader.EM_X86_64 -> {
                b.all(8, "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
                        "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs");
                arch = w64 ? "x86_64" : "x32";
            }
            case ElfHeader.EM_386 -> {
                b.all(4, "ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs", "gs", "orig_eax", "eip", "cs",
                        "eflags", "esp", "ss");
                arch = "i386";
            }
            case ElfHeader.EM_AARCH64 -> {
                b.numbered(8, "x", 0, 31).all(8, "sp", "pc", "pstate");
                arch = "aarch64";
            }
            case EM_ARM -> {
                b.numbered(4, "r", 0, 13).all(4, "sp", "lr", "pc", "cpsr", "orig_r0");
                arch = "arm";
            }
            case EM_PPC, EM_PPC64 -> {
                int s = w64 ? 8 : 4;
                b.numbered(s, "gpr", 0, 32).all(s, "nip", "msr", "orig_gpr3", "ctr", "lr", "xer", "cr", "softe", "trap",
                        "dar", "dsisr", "result");
                arch = w64 ? (be ? "ppc64" : "ppc64le") : "ppc";
            }
            case EM_S390 -> {
                int s = w64 ? 8 : 4;
                b.all(s, "pswm", "pswa").numbered(s, "r", 0, 16).numbered(4, "a", 0, 16).align(s).all(s, "orig_r2");
                arch = w64 ? "s390x" : "s390";
            }
            case EM_RISCV -> {
                b.all(w64 ? 8 : 4, "pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
                        "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6");
                arch = w64 ? "riscv64" : "riscv32";
            }
            case EM_MIPS -> {
                // asm/reg.h: 64-bit kernels start at EF_R0 = 0, o32 ones after six words of padding.
                int s = w64 ? 8 : 4;
                if (!w64) b.skip(6 * s);
                b.all(s, "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
                        "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
                        "lo", "hi", "epc", "badvaddr", "status", "cause");
                arch = (w64 ? "mips64" : "mips") + (be ? "" : "el");
            }
            default -> { return Optional.empty(); }
        }
        List<Field> fields = b.fields;
        return Optional.of(new PrStatusLayout(arch, pid, reg, fields, indexOf(fields, pcName(eh.machine())),
                indexOf(fields, spName(eh.machine()))));
    }

    private static String pcName(int machine) {
        return switch (machine) {
            case ElfHeader.EM_X86_64 -> "rip";
            case ElfHeader.EM_386 -> "eip";
            case EM_PPC, EM_PPC64 -> "nip";
            case EM_S390 -> "pswa";
            case EM_MIPS -> "epc";
            default -> "pc";
        };
    }

    private static String spName(int machine) {
        return switch (machine) {
            case ElfHeader.EM_X86_64 -> "rsp";
            case ElfHeader.EM_386 -> "esp";
            case EM_PPC, EM_PPC64 -> "gpr1";
            case EM_S390 -> "r15";
            default -> "sp";
        };
    }

    private static int indexOf(List<Field> fields, String name) {
        for (int i = 0; i < fields.size(); i++) if (fields.get(i).name().equals(name)) return i;
        throw new IllegalStateException("no register " + name);
    }

    private static final class Builder {
        final List<Field> fields = new ArrayList<>();
        int offset;

        Builder all(int size, String... names) {
            for (String n : names) { fields.add(new Field(n, offset, size)); offset += size; }
            return this;
        }

        Builder numbered(int size, String prefix, int from, int count) {
            for (int i = from; i < from + count; i++) all(size, prefix + i);
            return this;
        }

        Builder skip(int bytes) { offset += bytes; return this; }

        Builder align(int to) { offset = (offset + to - 1) / to * to; return this; }
    }
}
