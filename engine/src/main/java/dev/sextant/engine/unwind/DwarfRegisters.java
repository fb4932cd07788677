package dev.sextant.engine.unwind;

/**
 * DWARF register names per machine, spelled as binutils spells them (so that our rows read like
 * {@code readelf --debug-dump=frames-interp}); unnamed registers are {@code rN}.
 */
public final class DwarfRegisters {
    private static final String[] X86_64 = {
        "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
        "rip", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
        "xmm12", "xmm13", "xmm14", "xmm15", "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7",
        "mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "mm6", "mm7", "rflags", "es", "cs", "ss", "ds", "fs", "gs",
        null, null, "fs.base", "gs.base", null, null, "tr", "ldtr", "mxcsr", "fcw", "fsw"};
    private static final String[] I386 = {
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", null,
        "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7", null, null,
        "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
        "mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "mm6", "mm7", "fcw", "fsw", "mxcsr",
        "es", "cs", "ss", "ds", "fs", "gs", null, null, "tr", "ldtr"};
    private static final String[] AARCH64 = new String[128];
    static {
        for (int i = 0; i <= 30; i++) AARCH64[i] = "x" + i;
        AARCH64[31] = "sp";
        AARCH64[33] = "elr";
        AARCH64[46] = "vg";
        AARCH64[47] = "ffr";
        for (int i = 0; i < 16; i++) AARCH64[48 + i] = "p" + i;
        for (int i = 0; i < 32; i++) AARCH64[64 + i] = "v" + i;
        for (int i = 0; i < 32; i++) AARCH64[96 + i] = "z" + i;
    }

    private DwarfRegisters() {}

    /** The name of DWARF register {@code reg} on ELF machine {@code machine}, or null when it has none. */
    public static String nameOrNull(int machine, int reg) {
        String[] table = switch (machine) {
            case 62 -> X86_64;
            case 3 -> I386;
            case 183 -> AARCH64;
            default -> null;
        };
        return table != null && reg >= 0 && reg < table.length ? table[reg] : null;
    }

    /** The name, or {@code rN} when the machine has none for it. */
    public static String name(int machine, int reg) {
        String n = nameOrNull(machine, reg);
        return n != null ? n : "r" + reg;
    }
}
