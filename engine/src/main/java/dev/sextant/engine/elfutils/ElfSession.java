package dev.sextant.engine.elfutils;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.elfutils.jna.DwarfScopes;
import dev.sextant.engine.elfutils.jna.Dwfl;
import dev.sextant.engine.elfutils.jna.DwflModule;
import dev.sextant.engine.elfutils.jna.JnaWarmup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One libdwfl session over a target (a core, or a live process): its modules, the walk of its
 * threads, and a {@link Symbolizer} for its pcs. Not thread-safe (libdwfl is not): every call comes
 * from the thread that owns the target. Failures of libdwfl calls become
 * {@link dev.sextant.engine.api.NativeCallException} with libdwfl's text.
 */
public abstract sealed class ElfSession implements AutoCloseable permits CoreSession, LiveSession {

    final Dwfl dwfl;
    final Symbolizer symbolizer;

    ElfSession(Dwfl dwfl) {
        this.dwfl = dwfl;
        this.symbolizer = new Symbolizer(dwfl);
    }

    /** Every reported module, with its file looked up now. */
    public List<ModuleReport> modules() {
        List<ModuleReport> out = new ArrayList<>();
        for (DwflModule m : dwfl.modules()) {
            OptionalLong elf = m.elfBias();
            DwflModule.Info info = m.info();
            String n = info.name();
            Optional<String> mainFile = info.mainFile();
            // The vDSO exists only in memory; any other module rebuilt from the core's pages has no symbols.
            if (mainFile.isEmpty() && elf.isPresent() && (n.startsWith("linux-vdso") || n.startsWith("linux-gate") || n.equals("[vdso]"))) {
                mainFile = Optional.of("[in core memory]");
            }
            out.add(new ModuleReport(n, info.start(), info.end(), m.buildId(), mainFile, info.debugFile(),
                    mainFile.isPresent() ? Optional.of(dwfl.foundBy(n).orElse("path in core")) : Optional.empty()));
        }
        return out;
    }

    /** Whether some module contains {@code address}. */
    public boolean hasModule(long address) { return dwfl.hasModule(address); }

    /** Why libdwfl holds no threads of this core (it has no unwinder for its architecture), or empty. */
    public Optional<String> threadsUnavailable() { return dwfl.threadsUnavailable(); }

    /** Module, function, source line and inlined calls for one pc (see {@link Symbolizer#symbolize}). */
    public List<ResolvedFrame> symbolize(long pc, boolean activation) { return symbolizer.symbolize(pc, activation); }

    /**
     * Frames without source files and lines (names and inlined calls only), for callers that need
     * function names alone (crash signatures): the modules' line tables are never read.
     */
    public void omitSourceLines() { symbolizer.omitSourceLines(); }

    /** Whether CFI covers {@code pc} (see {@link Symbolizer#cfiAt}). */
    public CfiCoverage cfiAt(long pc, boolean activation) { return symbolizer.cfiAt(pc, activation); }

    /** Unwinds every thread in the order libdwfl reports them (note order for cores). */
    public void walkThreads(ThreadVisitor visitor, BooleanSupplier cancelled) {
        walkThreads(visitor, cancelled, Optional.empty(), d -> {});
    }

    /**
     * As {@link #walkThreads(ThreadVisitor, BooleanSupplier)}; where a frame lies in no module and
     * {@code stepper} knows it, the walk is cut there and started again from the caller's registers
     * the stepper recovered. Only for sessions whose thread state Sextant serves (live processes,
     * cores opened with a {@link ThreadSource}). A stepper that fails leaves the frame to libdwfl and
     * is told to {@code diagnostics}.
     */
    public void walkThreads(ThreadVisitor visitor, BooleanSupplier cancelled, Optional<FrameStepper> stepper,
                            Consumer<Diagnostic> diagnostics) {
        dwfl.walkThreads(new FrameCollector(dwfl, visitor, cancelled, stepper.filter(s -> dwfl.canRestartFrames()), diagnostics));
    }

    /** {@code DW_AT_comp_dir} of the compile unit of the code at {@code pc}, when it has one (loads the module's DWARF). */
    public Optional<String> compDir(long pc) {
        return dwfl.moduleAt(pc).flatMap(m -> m.compDir(pc));
    }

    /**
     * The registers of Call-stack row {@code row} of thread {@code tid}, as libdwfl's unwinder
     * recovered them (an inlined row has its physical frame's). Empty when the thread has fewer rows,
     * libdwfl cannot walk it, or this libdw cannot read a frame's registers ({@code dwfl_frame_reg}).
     */
    public Optional<RecoveredFrame> frameRegisters(int tid, int row) {
        if (!Dwfl.canReadFrameRegisters() || row < 0) return Optional.empty();
        FrameRegisterWalk walk = new FrameRegisterWalk(symbolizer, row);
        dwfl.walkThread(tid, walk);
        return walk.found();
    }

    /**
     * Every thread's frames with their registers as libdwfl unwound them, by tid in libdwfl's order
     * (at most {@value FrameCollector#MAX_FRAMES} frames a thread). Needs {@link #canReadFrameRegisters()}.
     */
    public Map<Integer, List<UnwoundFrame>> walkRegisters() {
        RegisterCollector collector = new RegisterCollector();
        dwfl.walkThreads(collector);
        return collector.threads();
    }

    /**
     * One thread's frames with their registers, as {@link #walkRegisters()} gives each (empty when
     * libdwfl has no such thread): a stop's Variables need the current thread's only.
     */
    public Optional<List<UnwoundFrame>> walkRegisters(int tid) {
        RegisterCollector collector = new RegisterCollector();
        dwfl.walkThread(tid, collector);
        return Optional.ofNullable(collector.threads().get(tid));
    }

    /** The DWARF variables, scopes and types of this session's modules (a reader that caches what it reads). */
    public DwarfVariables variables() { return new DwarfVariables(new DwarfScopes(dwfl)); }

    /** Whether this libdw can read an unwound frame's registers at all ({@code dwfl_frame_reg}, elfutils 0.188). */
    public static boolean canReadFrameRegisters() { return Dwfl.frameRegistersAvailable(); }

    /** Whether this libdw can read an unwound frame's registers ({@code dwfl_frame_reg}, elfutils 0.188) and this session serves its threads. */
    public boolean canStepFrames() { return dwfl.canRestartFrames(); }

    @Override public void close() { dwfl.close(); }

    /** Loads JNA and libdw on background threads, for a short command that will need them soon; gives {@link #unavailableReason()}. */
    public static Future<Optional<String>> preload() { return JnaWarmup.preload(); }

    /** Loads libdw and libelf now; a missing library becomes a message that says what to install. */
    public static Optional<String> unavailableReason() { return Dwfl.unavailableReason(); }
}
