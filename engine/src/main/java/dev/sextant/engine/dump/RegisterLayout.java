package dev.sextant.engine.dump;

import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.RegisterSet;
import dev.sextant.engine.format.elf.ElfHeader;
import java.util.ArrayList;
import java.util.List;

/** Names of the general registers in {@code NT_PRSTATUS.pr_reg}, per architecture (the kernel's user_regs_struct order). */
final class RegisterLayout {
    private RegisterLayout() {}

    private static final String[] X86_64 = {"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
            "ds", "es", "fs", "gs"};
    private static final String[] I386 = {"ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs", "gs",
            "orig_eax", "eip", "cs", "eflags", "esp", "ss"};
    private static final String[] AARCH64;

    static {
        AARCH64 = new String[34];
        for (int i = 0; i < 31; i++) AARCH64[i] = "x" + i;
        AARCH64[31] = "sp";
        AARCH64[32] = "pc";
        AARCH64[33] = "pstate";
    }

    static RegisterSet of(ElfHeader eh, long[] raw) {
        String[] names = switch (eh.machine()) {
            case ElfHeader.EM_X86_64 -> X86_64;
            case ElfHeader.EM_386 -> I386;
            case ElfHeader.EM_AARCH64 -> AARCH64;
            default -> new String[0];
        };
        List<Register> regs = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length && i < names.length; i++) regs.add(new Register(names[i], raw[i]));
        return new RegisterSet(eh.machineName(), regs);
    }
}
