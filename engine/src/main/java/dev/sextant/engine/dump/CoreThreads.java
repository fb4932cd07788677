package dev.sextant.engine.dump;

import dev.sextant.engine.elfutils.ThreadSource;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A core's threads, registers (re-ordered from the kernel's {@code user_regs_struct} into DWARF
 * numbering) and memory, served to libdwfl for unwinding.
 */
final class CoreThreads implements ThreadSource {
    // DWARF register n = pr_reg[MAP[n]] (x86-64: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip; i386: eax ecx edx ebx esp ebp esi edi eip).
    private static final int[] X86_64 = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
    private static final int[] I386 = {6, 1, 2, 0, 15, 5, 3, 4, 12};

    private final List<CoreFile.PrStatus> threads;
    private final int[] map;
    private final int pcIndex;
    private final CoreMemory memory;

    private CoreThreads(List<CoreFile.PrStatus> threads, int[] map, int pcIndex, CoreMemory memory) {
        this.threads = threads;
        this.map = map;
        this.pcIndex = pcIndex;
        this.memory = memory;
    }

    /** Empty for architectures whose register layout Sextant does not map; libdwfl then reads the core itself. */
    static Optional<CoreThreads> of(CoreFile core, CoreMemory memory) {
        return switch (core.header().machine()) {
            case ElfHeader.EM_X86_64 -> Optional.of(new CoreThreads(core.threads(), X86_64, 16, memory));
            case ElfHeader.EM_386 -> Optional.of(new CoreThreads(core.threads(), I386, 12, memory));
            case ElfHeader.EM_AARCH64 -> {
                int[] m = new int[32];
                for (int i = 0; i < 32; i++) m[i] = i;      // x0..x30, sp
                yield Optional.of(new CoreThreads(core.threads(), m, 32, memory));
            }
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

    @Override public OptionalLong readWord(long address, int wordSize) { return memory.word(address, wordSize); }
}
