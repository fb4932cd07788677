package dev.sextant.engine.elfutils;

/**
 * One physical frame with its registers as libdwfl unwound them ({@code dwfl_frame_reg}, DWARF
 * numbering): what a frame's variables are read against. {@code registers[r]} is valid where bit r
 * of {@code known} is set; registers libdwfl does not know for a frame (caller-saved ones in callers)
 * are left out.
 */
public record UnwoundFrame(long pc, boolean activation, long[] registers, long known) {
    /** x86-64 DWARF registers 0..16 (16 is the return address column, the pc). */
    public static final int REGISTERS = 17;

    public boolean has(int regno) { return regno >= 0 && regno < 64 && (known & (1L << regno)) != 0; }
}
