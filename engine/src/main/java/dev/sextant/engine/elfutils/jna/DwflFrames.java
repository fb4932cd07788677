package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.Optional;

/**
 * What a source view and a frame's registers need from a {@link Dwfl} session: the compilation
 * directory of the code at a pc, and the registers of one frame of a thread as libdwfl's unwinder
 * recovered them ({@code dwfl_frame_reg}). Same thread as the session.
 */
public final class DwflFrames {
    private DwflFrames() {}

    private static final int DW_AT_comp_dir = 0x1b;
    /** DWARF register numbers 0..16 of x86-64: rax rdx rcx rbx rsi rdi rbp rsp r8..r15, then the return address (rip). */
    public static final int X86_64_REGISTERS = 17;

    /** {@code DW_AT_comp_dir} of the compile unit containing {@code pc}, when it has one (loads the module's DWARF). */
    public static Optional<String> compDir(Dwfl dwfl, long pc) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), pc);
        if (mod == null) return Optional.empty();
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, pc, bias);
        if (cudie == null) return Optional.empty();
        Memory attr = new Memory(LibDw.SIZEOF_DWARF_ATTRIBUTE);
        if (LibDw.dwarf_attr_integrate(cudie, DW_AT_comp_dir, attr) == null) return Optional.empty();
        Pointer s = LibDwMore.dwarf_formstring(attr);
        return s == null ? Optional.empty() : Optional.of(s.getString(0));
    }

    /**
     * One physical frame's registers: {@code values[r]} is DWARF register {@code r}, known where
     * {@code known[r]}; {@code pc} is the frame's pc as unwound.
     */
    public record Registers(long pc, long[] values, boolean[] known) {}

    /**
     * The registers of Call-stack row {@code row} of thread {@code tid}: the physical frames are
     * walked and each one's rows counted as {@link Dwfl#symbolize} makes them (inlined calls first,
     * then the physical frame), so that an inlined row gets its physical frame's registers. Empty
     * when the thread has fewer rows, or libdwfl cannot walk it.
     */
    public static Optional<Registers> frameRegisters(Dwfl dwfl, int tid, int row) {
        if (!FrameRegisters.AVAILABLE || row < 0) return Optional.empty();
        Registers[] found = new Registers[1];
        Registers[] inner = new Registers[1];
        int[] rows = new int[1];
        long[] pc = new long[1];
        byte[] isAct = new byte[1];
        LibDw.FrameCallback cb = (frame, arg) -> {
            if (LibDw.dwfl_frame_pc(frame, pc, isAct) == 0) return LibDw.DWARF_CB_ABORT;
            Registers here = read(frame, pc[0], inner[0]);
            inner[0] = here;
            rows[0] += Math.max(1, dwfl.symbolize(pc[0], isAct[0] != 0).size());
            if (rows[0] <= row) return rows[0] > Dwfl.MAX_FRAMES * 4 ? LibDw.DWARF_CB_ABORT : LibDw.DWARF_CB_OK;
            found[0] = here;
            return LibDw.DWARF_CB_ABORT;
        };
        LibDw.dwfl_getthread_frames(dwfl.handle(), tid, cb, null);
        return Optional.ofNullable(found[0]);
    }

    private static final int RAX = 0, RBX = 3, RIP = 16;

    /**
     * One frame's registers. In a caller frame ({@code inner} present) the SysV x86-64 ABI's rules
     * are applied where libdwfl 0.188's own defaults differ from them: its ABI CFI marks DWARF
     * register 0 (rax, caller-saved) as same-value in the place of 3 (rbx, callee-saved). So rax is
     * not recovered in a caller frame, and rbx, when no CFI rule restored it, keeps the inner frame's value.
     */
    private static Registers read(Pointer frame, long pc, Registers inner) {
        long[] values = new long[X86_64_REGISTERS];
        boolean[] known = new boolean[X86_64_REGISTERS];
        for (int r = 0; r < X86_64_REGISTERS; r++) {
            var v = FrameRegisters.read(frame, r);
            known[r] = v.isPresent();
            values[r] = v.orElse(0);
        }
        if (inner != null) {
            known[RAX] = false;
            values[RAX] = 0;
            if (!known[RBX] && inner.known()[RBX]) {
                known[RBX] = true;
                values[RBX] = inner.values()[RBX];
            }
        }
        // The pc is always known for a frame libdwfl reports, even where no rule gave register 16.
        values[RIP] = pc;
        known[RIP] = true;
        return new Registers(pc, values, known);
    }
}
