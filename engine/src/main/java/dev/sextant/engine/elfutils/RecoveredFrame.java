package dev.sextant.engine.elfutils;

/**
 * One physical frame's registers as libdwfl's unwinder recovered them: {@code values[r]} is DWARF
 * register {@code r} (x86-64: rax rdx rcx rbx rsi rdi rbp rsp r8..r15, then 16 the return address,
 * rip), known where {@code known[r]}; {@code pc} is the frame's pc as unwound.
 */
public record RecoveredFrame(long pc, long[] values, boolean[] known) {
    /** DWARF register numbers 0..16 of x86-64. */
    public static final int X86_64_REGISTERS = 17;
}
