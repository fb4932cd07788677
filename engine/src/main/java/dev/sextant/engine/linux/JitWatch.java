package dev.sextant.engine.linux;

import dev.sextant.engine.elfutils.jna.SourceLookup;
import dev.sextant.engine.unwind.DynamicTables;
import dev.sextant.engine.unwind.GdbJitInterface;
import dev.sextant.engine.unwind.PerfMap;
import java.util.List;

/**
 * Keeps a live target's dynamic tables current: reads the GDB JIT list ({@code __jit_debug_descriptor})
 * and the perf map now, and keeps an internal breakpoint on {@code __jit_debug_register_code}, which
 * the code generator calls after each registration or unregistration (as the r_brk breakpoint does
 * for dlopen): each hit re-reads the list, so tables appear and vanish while the target runs. Sections
 * registered with libgcc's {@code __register_frame} / {@code __deregister_frame} are seen at internal
 * breakpoints on those functions, from the time Sextant attached.
 * Engine thread only.
 */
public final class JitWatch {
    private final Tracer tracer;
    private final DynamicTables tables;
    private final List<Long> descriptors;

    private JitWatch(Tracer tracer, DynamicTables tables, List<Long> descriptors) {
        this.tracer = tracer;
        this.tables = tables;
        this.descriptors = descriptors;
    }

    /** Reads what the target has registered now, once (for a snapshot: attach, read, detach). */
    public static void readOnce(Tracer tracer, SourceLookup lookup, DynamicTables tables) {
        new JitWatch(tracer, tables, List.copyOf(lookup.symbolAddresses(GdbJitInterface.DESCRIPTOR, false))).sync();
    }

    /** Reads what the target has registered now; breaks on {@code __jit_debug_register_code} when the target has it. */
    public static JitWatch install(Tracer tracer, SourceLookup lookup, DynamicTables tables) {
        JitWatch w = new JitWatch(tracer, tables, List.copyOf(lookup.symbolAddresses(GdbJitInterface.DESCRIPTOR, false)));
        w.sync();
        if (!w.descriptors.isEmpty()) {
            for (long brk : lookup.functionAddresses(GdbJitInterface.REGISTER_CODE)) tracer.addInternalBreakpoint(brk, w::sync);
        }
        // libgcc keeps what __register_frame got in static lists that its symbols (stripped) do not
        // name, so registrations are seen as they happen: at the entry of each call, rdi is the section.
        for (long f : lookup.functionAddresses(REGISTER_FRAME)) tracer.addInternalBreakpoint(f, () -> w.registerFrame(true));
        for (long f : lookup.functionAddresses(DEREGISTER_FRAME)) tracer.addInternalBreakpoint(f, () -> w.registerFrame(false));
        return w;
    }

    static final String REGISTER_FRAME = "__register_frame", DEREGISTER_FRAME = "__deregister_frame";
    /** rdi in {@code struct user_regs_struct}. */
    private static final int USER_RDI = 14;

    private void registerFrame(boolean add) {
        long[] regs = tracer.registers(tracer.breakpointThread());
        if (regs == null) return;
        long begin = regs[USER_RDI];
        if (add) tables.addRegisteredFrames(LiveSnapshot.memory(tracer), begin);
        else tables.removeRegisteredFrames(begin);
    }

    /** True when the target has a GDB JIT descriptor. */
    public boolean hasJitInterface() { return !descriptors.isEmpty(); }

    /** Re-reads the JIT lists and the perf map (also at each stop: perf maps are written without telling anyone). */
    public void sync() {
        if (!descriptors.isEmpty()) tables.syncGdbJit(LiveSnapshot.memory(tracer), descriptors);
        tables.syncPerfMap(PerfMap.of(tracer.pid()));
    }
}
