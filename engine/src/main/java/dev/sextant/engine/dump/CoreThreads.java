package dev.sextant.engine.dump;

import dev.sextant.engine.elfutils.ThreadSource;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PrStatusLayout;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A core's threads, registers (re-ordered from the kernel's {@code user_regs_struct} into DWARF
 * numbering) and memory, served to libdwfl for unwinding: x86-64, i386, aarch64, ppc64 of either
 * byte order, s390x and arm. Where libdwfl reads a core itself, libelf 0.188 keeps every chunk it
 * reads in a list it searches linearly: on a 1,000-thread ppc64le core that made Sextant 8× slower
 * per thread than on x86-64 (bench/arch.sh).
 */
final class CoreThreads implements ThreadSource {
    // DWARF register n = pr_reg[MAP[n]] (x86-64: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip; i386: eax ecx edx ebx esp ebp esi edi eip).
    private static final int[] X86_64 = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
    private static final int[] I386 = {6, 1, 2, 0, 15, 5, 3, 4, 12};

    private final List<CoreFile.PrStatus> threads;
    private final int[] map;
    private final int pcIndex;
    private final CoreMemory memory;
    private final int[] moreNumbers, moreMap;     // DWARF numbers beyond the run from 0, and their pr_reg indexes

    private CoreThreads(List<CoreFile.PrStatus> threads, int[] map, int pcIndex, CoreMemory memory) {
        this(threads, map, pcIndex, memory, new int[0], new int[0]);
    }

    private CoreThreads(List<CoreFile.PrStatus> threads, int[] map, int pcIndex, CoreMemory memory, int[] moreNumbers, int[] moreMap) {
        this.threads = threads;
        this.map = map;
        this.pcIndex = pcIndex;
        this.memory = memory;
        this.moreNumbers = moreNumbers;
        this.moreMap = moreMap;
    }

    private static int[] shifted(int n, int first) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) m[i] = first + i;
        return m;
    }

    private static int[] identity(int n) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) m[i] = i;
        return m;
    }

    /** Empty for architectures whose register layout Sextant does not map; libdwfl then reads the core itself. */
    static Optional<CoreThreads> of(CoreFile core, CoreMemory memory) {
        return switch (core.header().machine()) {
            case ElfHeader.EM_X86_64 -> Optional.of(new CoreThreads(core.threads(), X86_64, 16, memory));
            case ElfHeader.EM_386 -> Optional.of(new CoreThreads(core.threads(), I386, 12, memory));
            case ElfHeader.EM_AARCH64 -> Optional.of(new CoreThreads(core.threads(), identity(32), 32, memory));   // x0..x30, sp
            // As elfutils' backends set them (ppc_initreg.c, s390_initreg.c, arm_initreg.c), from PrStatusLayout's pr_reg:
            // ppc64: gpr0..31, the pc from nip (32), the link register (36) as DWARF 65 and 108.
            case PrStatusLayout.EM_PPC64 -> Optional.of(new CoreThreads(core.threads(), identity(32), 32, memory,
                    new int[] {65, 108}, new int[] {36, 36}));
            // s390x: pswm, pswa, then r0..r15 as DWARF 0..15; the pc from pswa (1).
            case PrStatusLayout.EM_S390 -> core.header().is64() ? Optional.of(new CoreThreads(core.threads(), shifted(16, 2), 1, memory))
                    : Optional.empty();
            // arm: r0..r15 as DWARF 0..15, the pc from r15.
            case PrStatusLayout.EM_ARM -> Optional.of(new CoreThreads(core.threads(), identity(16), 15, memory));
            default -> Optional.empty();
        };
    }

    @Override public int[] threads() {
        return threads.stream().mapToInt(CoreFile.PrStatus::tid).toArray();
    }

    @Override public long[] dwarfRegisters(int index) {
        long[] raw = threads.get(index).regs();
        long[] out = new long[map.length];
        for (int i = 0; i < map.length; i++) out[i] = raw[map[i]];
        return out;
    }

    @Override public long pc(int index) { return threads.get(index).regs()[pcIndex]; }

    @Override public int[] moreRegisterNumbers() { return moreNumbers; }

    @Override public long[] moreRegisters(int index) {
        long[] raw = threads.get(index).regs();
        long[] out = new long[moreMap.length];
        for (int i = 0; i < moreMap.length; i++) out[i] = raw[moreMap[i]];
        return out;
    }

    @Override public OptionalLong readWord(long address, int wordSize) { return memory.word(address, wordSize); }
}
