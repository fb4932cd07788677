package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;

/**
 * One ELF note: owner name, type, and its descriptor bytes as a bounded view. {@code fileOffset}
 * is where the descriptor starts in the file.
 */
public record Note(String owner, int type, ByteReader desc, long fileOffset) {
    public static final int NT_PRSTATUS = 1, NT_FPREGSET = 2, NT_PRPSINFO = 3, NT_AUXV = 6,
            NT_SIGINFO = 0x53494749, NT_FILE = 0x46494c45, NT_X86_XSTATE = 0x202, NT_GNU_BUILD_ID = 3;
}
