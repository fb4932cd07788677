package dev.sextant.engine.session;

import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.UnwoundRegisters;
import dev.sextant.engine.elfutils.RecoveredFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** libdwfl's unwound registers of a frame (DWARF numbering) as the api record, in gdb's order of x86-64 registers. */
final class FrameRegisterRows {
    private FrameRegisterRows() {}

    /** Names in the order gdb's {@code info registers} prints them, with each one's DWARF number. */
    private static final String[] NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"};
    private static final int[] DWARF = {0, 3, 2, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    static UnwoundRegisters of(Tid tid, int row, Optional<RecoveredFrame> found) {
        RecoveredFrame r = found.orElseThrow(() -> new TargetException("thread " + tid.value() + " has no frame " + row
                + " that the unwinder reaches (fewer frames, or the walk stopped before it)"));
        List<Register> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (r.known()[DWARF[i]]) known.add(new Register(NAMES[i], r.values()[DWARF[i]]));
            else unknown.add(NAMES[i]);
        }
        return new UnwoundRegisters(tid, row, "x86-64", known, unknown);
    }

    static void requireX86_64(String arch) {
        if (!arch.equals("x86-64") && !arch.equals("x86_64")) {
            throw new TargetException("unwound registers of caller frames are shown for x86-64 targets; this one is " + arch);
        }
    }
}
