package dev.sextant.engine.linux;

import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.format.elf.DynamicObject;
import dev.sextant.engine.format.elf.DynamicSymbols;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.DynamicTables;
import dev.sextant.engine.unwind.GdbJitInterface;
import dev.sextant.engine.unwind.LibgccFrames;
import dev.sextant.engine.unwind.PerfMap;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a live target's dynamic tables current: reads the GDB JIT list ({@code __jit_debug_descriptor})
 * and the perf map now, and keeps an internal breakpoint on {@code __jit_debug_register_code}, which
 * the code generator calls after each registration or unregistration (as the r_brk breakpoint does
 * for dlopen): each hit re-reads the list, so tables appear and vanish while the target runs. Sections
 * registered with libgcc's {@code __register_frame} / {@code __deregister_frame} are seen at internal
 * breakpoints on those functions, from the time Sextant attached. A library loaded later that defines
 * one of these symbols (libgcc_s under a launched program, a JIT runtime dlopen'ed) is found by
 * {@link #definesJitSymbols} and {@link #rescan}. Engine thread only.
 */
public final class JitWatch {
    static final String REGISTER_FRAME = "__register_frame", DEREGISTER_FRAME = "__deregister_frame";
    private static final List<String> SYMBOLS = List.of(GdbJitInterface.DESCRIPTOR, GdbJitInterface.REGISTER_CODE,
            REGISTER_FRAME, DEREGISTER_FRAME);
    /** rdi in {@code struct user_regs_struct}. */
    private static final int USER_RDI = 14;

    private final Tracer tracer;
    private final DynamicTables tables;
    private final List<Long> descriptors = new ArrayList<>();
    private final Set<Long> breakpoints = new HashSet<>();
    private final Map<String, Boolean> definesByPath = new HashMap<>();
    private final Set<Long> libgccRead = new HashSet<>();

    private JitWatch(Tracer tracer, DynamicTables tables) {
        this.tracer = tracer;
        this.tables = tables;
    }

    /** Reads what the target has registered now, once (for a snapshot: attach, read, detach). */
    public static void readOnce(Tracer tracer, SourceLookup lookup, DynamicTables tables) {
        JitWatch w = new JitWatch(tracer, tables);
        w.descriptors.addAll(lookup.symbolAddresses(GdbJitInterface.DESCRIPTOR, false));
        w.readLibgccLists(lookup);
        w.sync();
    }

    /** Reads what the target has registered now and breaks where it tells of changes. */
    public static JitWatch install(Tracer tracer, SourceLookup lookup, DynamicTables tables) {
        JitWatch w = new JitWatch(tracer, tables);
        w.rescan(lookup);
        return w;
    }

    /** Looks the symbols up again (modules came), breaks at the new places and re-reads the lists. */
    public void rescan(SourceLookup lookup) {
        for (long d : lookup.symbolAddresses(GdbJitInterface.DESCRIPTOR, false)) if (!descriptors.contains(d)) descriptors.add(d);
        if (!descriptors.isEmpty()) {
            for (long brk : lookup.functionAddresses(GdbJitInterface.REGISTER_CODE)) {
                if (breakpoints.add(brk)) tracer.addInternalBreakpoint(brk, this::sync);
            }
        }
        // libgcc keeps what __register_frame got in static lists that its symbols (stripped) do not
        // name, so registrations are seen as they happen: at the entry of each call, rdi is the section.
        for (long f : lookup.functionAddresses(REGISTER_FRAME)) {
            if (breakpoints.add(f)) tracer.addInternalBreakpoint(f, () -> registerFrame(true));
        }
        for (long f : lookup.functionAddresses(DEREGISTER_FRAME)) {
            if (breakpoints.add(f)) tracer.addInternalBreakpoint(f, () -> registerFrame(false));
        }
        readLibgccLists(lookup);
        sync();
    }

    /** What was registered with libgcc before Sextant came: read once per libgcc from its lists. */
    private void readLibgccLists(SourceLookup lookup) {
        List<Long> reg = lookup.functionAddresses(LibgccFrames.REGISTER_INFO_BASES),
                dereg = lookup.functionAddresses(LibgccFrames.DEREGISTER_INFO_BASES);
        if (reg.size() != 1 || dereg.size() != 1 || !libgccRead.add(reg.get(0))) return;
        var memory = LiveSnapshot.memory(tracer);
        tables.addLibgccRegistered(memory, memory, reg.get(0), dereg.get(0));
    }

    /**
     * Whether the file at {@code path} defines one of the JIT symbols in its dynamic symbol table:
     * a cheap test (hash lookups, once per path) before a rescan, which re-reads every module.
     */
    public boolean definesJitSymbols(String path) {
        if (path.isEmpty()) return false;
        return definesByPath.computeIfAbsent(path, p -> {
            try {
                DynamicSymbols syms = DynamicObject.read(ByteReader.map(Path.of(p), ByteOrder.LITTLE_ENDIAN)).symbols();
                for (String name : SYMBOLS) {
                    byte[] b = name.getBytes(StandardCharsets.UTF_8);
                    for (int i : syms.lookup(b, DynamicSymbols.gnuHash(b))) if (syms.shndx(i) != 0) return true;
                }
                return false;
            } catch (IOException | FormatException | UnsupportedOperationException e) {
                return false;
            }
        });
    }

    /** True when the target has a GDB JIT descriptor. */
    public boolean hasJitInterface() { return !descriptors.isEmpty(); }

    /** Re-reads the JIT lists and the perf map (also at each stop: perf maps are written without telling anyone). */
    public void sync() {
        if (!descriptors.isEmpty()) tables.syncGdbJit(LiveSnapshot.memory(tracer), List.copyOf(descriptors));
        tables.syncPerfMap(PerfMap.of(tracer.pid()));
    }

    private void registerFrame(boolean add) {
        long[] regs = tracer.registers(tracer.breakpointThread());
        if (regs == null) return;
        long begin = regs[USER_RDI];
        if (add) tables.addRegisteredFrames(LiveSnapshot.memory(tracer), begin);
        else tables.removeRegisteredFrames(begin);
    }
}
