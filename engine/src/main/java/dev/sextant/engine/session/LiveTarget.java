package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.LiveSession;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.linux.BreakpointSites;
import dev.sextant.engine.linux.JitWatch;
import dev.sextant.engine.linux.Launcher;
import dev.sextant.engine.linux.LiveSnapshot;
import dev.sextant.engine.linux.ProcMaps;
import dev.sextant.engine.linux.Rendezvous;
import dev.sextant.engine.linux.TraceEvent;
import dev.sextant.engine.linux.Tracer;
import dev.sextant.engine.symbols.DebugFileCache;
import dev.sextant.engine.unwind.DynamicTables;
import dev.sextant.engine.unwind.FunctionTableEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A live process under the engine thread's control: its tracer, its libdwfl session, the
 * rendezvous breakpoint, and the translation of what the tracer saw into {@link DebugEvent}s and
 * {@code ChangeSymbolState} notifications. Engine thread only.
 */
final class LiveTarget implements AutoCloseable {

    /** Where the live target's events go: the engine thread's listeners. */
    interface Sink {
        long stopId();
        long nextStopId();
        void emit(DebugEvent event);
        void changeSymbolState(int flags, long argument);
    }

    private final Tracer tracer;
    private final LiveSession dwfl;
    private final SourceLookup lookup;
    private final Sink sink;
    private Optional<Rendezvous> rendezvous;
    private final DynamicTables dynamicTables = new DynamicTables();
    private JitWatch jitWatch;
    private final Map<Long, Module> modulesByBase = new HashMap<>();
    private int lastTid;
    private boolean modulesDirty;
    private Command.SetScope scope = new Command.SetScope(new Tid(0), 0);

    private LiveTarget(Tracer tracer, Sink sink) {
        this.tracer = tracer;
        this.sink = sink;
        try {
            this.dwfl = LiveSession.open(tracer.pid(), LiveSnapshot.unwindSource(tracer), DebugFileCache.standard()::substitute);
        } catch (NativeCallException e) {
            throw new TargetException("process " + tracer.pid() + ": libdwfl cannot read it (" + e.getMessage() + ")", e);
        }
        this.lookup = new SourceLookup(dwfl);
        this.rendezvous = Rendezvous.install(tracer, lookup);
        this.jitWatch = JitWatch.install(tracer, lookup, dynamicTables);
        this.lastTid = tracer.pid();
    }

    /** Tables the target had before it was opened are told after TargetOpened; later changes as they happen. */
    private void announceDynamicTables(long id) {
        for (var info : dynamicTables.tables().tables()) {
            sink.emit(new DebugEvent.DynamicTableChanged(id, dynamicTables.describe(info), false));
        }
        dynamicTables.tables().addListener(e -> sink.emit(new DebugEvent.DynamicTableChanged(sink.stopId(),
                dynamicTables.describe(e.table()), e instanceof FunctionTableEvent.TableRemoved)));
    }

    static LiveTarget attach(Pid pid, Sink sink) {
        requireLibdw(pid.toString());
        Tracer t = Tracer.attach(pid);
        return open(t, sink, "process " + pid);
    }

    static LiveTarget launch(Command.Launch l, Sink sink) {
        requireLibdw(l.program().toString());
        Tracer t = Launcher.launch(l.program(), l.arguments(), l.workingDirectory(), l.environment(), l.output());
        return open(t, sink, l.program().toString());
    }

    private static void requireLibdw(String what) {
        ElfSession.unavailableReason().ifPresent(r -> { throw new TargetException(what + ": " + r); });
    }

    private static LiveTarget open(Tracer t, Sink sink, String source) {
        LiveTarget target;
        try {
            target = new LiveTarget(t, sink);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        long id = sink.nextStopId();
        ProcessInfo info = LiveSnapshot.processInfo(t.pid());
        DumpReport threads = target.snapshotThreads();
        sink.emit(new DebugEvent.TargetOpened(id, source, "live process", info, Optional.empty(), threads.threads()));
        for (Module m : LiveSnapshot.modules(target.dwfl)) {
            target.modulesByBase.put(m.base().value(), m);
            sink.emit(new DebugEvent.ModuleLoaded(id, m));
        }
        target.announceDynamicTables(id);
        sink.emit(new DebugEvent.ProcessStopped(id, new Tid(t.pid()), new StopReason.Attached(Address.of(t.registersPc(t.pid())))));
        return target;
    }

    private DumpReport snapshotThreads() {
        return new DumpReport(java.nio.file.Path.of("/proc/" + tracer.pid()), "live process", LiveSnapshot.processInfo(tracer.pid()),
                Optional.empty(), tracer.stoppedThreads().length == 0 ? List.of() : threadInfos(), List.of(), List.of(), List.of());
    }

    private List<ThreadInfo> threadInfos() {
        List<ThreadInfo> out = new java.util.ArrayList<>();
        for (int tid : tracer.stoppedThreads()) {
            long[] regs = tracer.registers(tid);
            if (regs != null) {
                out.add(new ThreadInfo(new Tid(tid), LiveSnapshot.threadName(tracer.pid(), tid),
                        tid == lastTid, 0, LiveSnapshot.registerSet(regs)));
            }
        }
        return out;
    }

    ProcessInfo processInfo() { return LiveSnapshot.processInfo(tracer.pid()); }

    boolean running() { return tracer.running(); }

    /** The ptrace session, for work that must run on the engine thread with the target stopped (saving a dump). */
    Tracer tracer() { return tracer; }

    boolean ended() { return tracer.ended(); }

    // ---- commands ------------------------------------------------------------------------------

    // Each command's method starts with ready(): the module list is brought up to date at a stop.

    private void ready() {
        if (!tracer.running()) ensureModules();
    }

    Boolean interrupt() {
        ready();
        requireRunning(true);
        tracer.stopAll();
        sink.emit(new DebugEvent.ProcessStopped(sink.stopId(), new Tid(lastTid),
                new StopReason.Interrupted(Address.of(tracer.registersPc(lastTid)))));
        return Boolean.TRUE;
    }

    Boolean resume() {
        ready();
        requireRunning(false);
        resumed();
        tracer.resumeAll();
        return Boolean.TRUE;
    }

    Boolean stepInstruction(Command.StepInstruction s) {
        ready();
        int tid = thread(s.thread());
        resumed();
        tracer.stepInstruction(tid);
        return Boolean.TRUE;
    }

    /** F10 ({@code into} false) or F11. */
    Boolean stepLine(Optional<Tid> thread, boolean into) {
        ready();
        int tid = thread(thread);
        resumed();
        tracer.stepLine(tid, into, lookup);
        return Boolean.TRUE;
    }

    Boolean stepOut(Command.StepOut s) {
        ready();
        int tid = thread(s.thread());
        long[] pcs = dwfl.unwindThread(tid, 2);
        if (pcs.length < 2) throw new TargetException("thread " + tid + ": no caller frame to return to");
        resumed();
        tracer.stepOut(tid, pcs[1]);
        return Boolean.TRUE;
    }

    Breakpoint setBreakpoint(Command.SetBreakpoint b) {
        ready();
        requireRunning(false);
        long address = resolve(b.location());
        int id = tracer.addBreakpoint(address, b.location());
        Breakpoint bp = breakpoint(id);
        sink.emit(new DebugEvent.BreakpointChanged(sink.stopId(), bp, false));
        return bp;
    }

    Breakpoint enableBreakpoint(Command.EnableBreakpoint e) {
        ready();
        requireRunning(false);
        tracer.setBreakpointEnabled(e.id(), e.enabled());
        Breakpoint bp = breakpoint(e.id());
        sink.emit(new DebugEvent.BreakpointChanged(sink.stopId(), bp, false));
        return bp;
    }

    Boolean removeBreakpoint(Command.RemoveBreakpoint r) {
        ready();
        requireRunning(false);
        Breakpoint bp = breakpoint(r.id());
        tracer.removeBreakpoint(r.id());
        sink.emit(new DebugEvent.BreakpointChanged(sink.stopId(), bp, true));
        return Boolean.TRUE;
    }

    Boolean setScope(Command.SetScope sc) {
        ready();
        if (scope.equals(sc)) return Boolean.FALSE;
        scope = sc;
        sink.changeSymbolState(EngineListener.DEBUG_CSS_SCOPE, 0);
        return Boolean.TRUE;
    }

    /** Allowed while running too (a snapshot torn by the running threads): /proc/PID/mem needs no stop. */
    MemoryBlock readMemory(Command.ReadMemory r) {
        ready();
        return tracer.readProgramMemory(r.start().value(), r.length());
    }

    Address evaluate(Command.EvaluateAddress ev) {
        ready();
        return Address.of(AddressExpression.evaluate(ev.expression(), this::valueOf));
    }

    DumpReport readStacks(Command.ReadStacks r) {
        ready();
        requireRunning(false);
        jitWatch.sync();
        return LiveSnapshot.read(tracer, dwfl, Optional.of(dynamicTables), r.cancellation());
    }

    /** A register of the scope's thread (at a stop), else a symbol of any loaded module (data or code). */
    private java.util.OptionalLong valueOf(String name) {
        if (!tracer.running()) {
            int tid = scope.thread().value() != 0 ? scope.thread().value() : lastTid;
            long[] regs = tracer.registers(tid);
            if (regs != null) {
                Optional<Register> r = LiveSnapshot.registerSet(regs).find(name);
                if (r.isPresent()) return java.util.OptionalLong.of(r.get().value());
            }
        } else if (LiveSnapshot.isRegisterName(name)) {
            throw new TargetException(name + ": registers are read at a stop; break first (Ctrl+Break)");
        }
        List<Long> at = lookup.symbolAddresses(name, false);
        return at.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(at.get(0));
    }

    private void requireRunning(boolean running) {
        if (tracer.running() != running) {
            throw new TargetException("process " + tracer.pid() + " is " + (tracer.running() ? "running: break first" : "already stopped"));
        }
    }

    private int thread(Optional<Tid> t) {
        requireRunning(false);
        return t.map(Tid::value).orElse(lastTid);
    }

    private void resumed() {
        sink.emit(new DebugEvent.ProcessResumed(sink.nextStopId()));
    }

    Breakpoint breakpoint(int id) {
        BreakpointSites.UserBreakpoint b = tracer.breakpoints().stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow(() -> new TargetException("no breakpoint " + id));
        Optional<String> line = lookup.lineAt(b.address())
                .map(r -> java.nio.file.Path.of(r.file()).getFileName() + ":" + r.line());
        return new Breakpoint(b.id(), b.spec(), Address.of(b.address()), line, b.enabled(), b.hits());
    }

    /** {@code 0x401136}, {@code file.c:42} or a function name (placed after its prologue, as gdb does). */
    private long resolve(String location) {
        String l = location.strip();
        if (l.startsWith("0x") || l.startsWith("0X")) return Address.parse(l).value();
        int colon = l.lastIndexOf(':');
        if (colon > 0 && l.substring(colon + 1).chars().allMatch(Character::isDigit) && colon < l.length() - 1) {
            List<Long> at = lookup.lineAddresses(l.substring(0, colon), Integer.parseInt(l.substring(colon + 1)));
            if (at.isEmpty()) throw new TargetException(l + ": no code at this line (no line-table entry); pick a line with a statement");
            return at.get(0);
        }
        List<Long> fn = lookup.functionAddresses(l);
        if (fn.isEmpty()) throw new TargetException(l + ": no function of that name in the loaded modules");
        return lookup.afterPrologue(fn.get(0));
    }

    // ---- events --------------------------------------------------------------------------------

    /** Handles what the tracer has seen; true if anything happened. */
    boolean pump() {
        boolean any = tracer.poll();
        List<TraceEvent> events = tracer.drainEvents();
        for (TraceEvent e : events) translate(e);
        if (!tracer.ended()) tracer.releaseHeld();
        return any || !events.isEmpty();
    }

    private void translate(TraceEvent e) {
        long id = sink.stopId();
        if (e instanceof TraceEvent.ThreadStarted s) {
            sink.emit(new DebugEvent.ThreadCreated(id, new Tid(s.tid())));
        } else if (e instanceof TraceEvent.ThreadEnded s) {
            sink.emit(new DebugEvent.ThreadExited(id, new Tid(s.tid()), s.status()));
        } else if (e instanceof TraceEvent.Stopped s) {
            lastTid = s.tid();
            sink.emit(new DebugEvent.ProcessStopped(id, new Tid(s.tid()), s.reason()));
            Command.SetScope stopScope = new Command.SetScope(new Tid(s.tid()), 0);
            if (!scope.equals(stopScope)) {
                scope = stopScope;
                sink.changeSymbolState(EngineListener.DEBUG_CSS_SCOPE, 0);
            }
            if (s.reason() instanceof StopReason.BreakpointHit h) {
                sink.emit(new DebugEvent.BreakpointChanged(id, breakpoint(h.breakpointId()), false));
            }
        } else if (e instanceof TraceEvent.Exited x) {
            sink.emit(new DebugEvent.ProcessStopped(id, new Tid(tracer.pid()), new StopReason.ProcessExit(x.status())));
            sink.emit(new DebugEvent.ProcessExited(id, x.status()));
        } else if (e instanceof TraceEvent.Execed) {
            modulesDirty = false;
            dwfl.refreshModules(tracer.pid());
            rendezvous = Rendezvous.install(tracer, lookup);
            jitWatch = JitWatch.install(tracer, lookup, dynamicTables);
        } else if (e instanceof TraceEvent.ModulesChanged m) {
            modulesChanged(id, m);
        }
    }

    /**
     * dlopen/dlclose seen at the rendezvous: listeners hear of it at once; the Module rows come
     * from the link map and /proc/PID/maps (cheap), and libdwfl's module list is refreshed only
     * when something needs it next (a storm of dlopens must not pay a full re-report each).
     */
    private void modulesChanged(long id, TraceEvent.ModulesChanged m) {
        modulesDirty = true;
        if (m.unloaded().size() == 1) sink.changeSymbolState(EngineListener.DEBUG_CSS_UNLOADS, m.unloaded().get(0));
        else if (m.unloaded().size() > 1) sink.changeSymbolState(EngineListener.DEBUG_CSS_UNLOADS, 0);
        for (long base : m.loaded()) sink.changeSymbolState(EngineListener.DEBUG_CSS_LOADS, base);
        for (long base : m.unloaded()) {
            Module gone = modulesByBase.remove(base);
            sink.emit(new DebugEvent.ModuleUnloaded(id, Address.of(base), gone == null ? "" : gone.path()));
        }
        if (m.loaded().isEmpty()) return;
        List<ProcMaps.Mapping> maps;
        try {
            maps = ProcMaps.read(tracer.pid());
        } catch (java.io.IOException | FormatException e) {
            maps = List.of();
        }
        Map<Long, String> names = rendezvous.map(Rendezvous::modules).orElse(Map.of());
        // A library that brings JIT registration (libgcc_s's __register_frame, a JIT runtime's
        // descriptor) is watched before it runs: the thread is held at r_brk until this returns.
        if (m.loaded().stream().anyMatch(base -> jitWatch.definesJitSymbols(names.getOrDefault(base, "")))) {
            ensureModules();
            jitWatch.rescan(lookup);
            // Read while ld.so is still at work (/etc/ld.so.cache mapped, say): read again at the next stop.
            modulesDirty = true;
        }
        for (long base : m.loaded()) {
            String path = names.getOrDefault(base, "");
            long end = base;
            for (ProcMaps.Mapping map : maps) {
                if (map.path().orElse("").equals(path) && Long.compareUnsigned(map.end(), end) > 0) end = map.end();
            }
            Optional<String> file = !path.isEmpty() && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(path))
                    ? Optional.of(path) : Optional.empty();
            Module mod = new Module(path, Address.of(base), end - base, Optional.empty(), file, Optional.empty());
            modulesByBase.put(base, mod);
            sink.emit(new DebugEvent.ModuleLoaded(id, mod));
        }
    }

    /** Brings libdwfl's module list up to date after dlopen/dlclose, before anything reads symbols or unwinds. */
    private void ensureModules() {
        if (!modulesDirty) return;
        modulesDirty = false;
        dwfl.refreshModules(tracer.pid());
    }

    /** Detach: every byte put back, every thread runs on. */
    void detach() {
        tracer.detach();
        sink.emit(new DebugEvent.TargetClosed(sink.stopId()));
    }

    void kill() {
        tracer.kill();
        pump();
    }

    @Override public void close() {
        try {
            dwfl.close();
            dynamicTables.close();
        } finally {
            tracer.close();
        }
    }

    /**
     * True when the process has executable memory that no file backs (besides the vDSO and the
     * vsyscall page), or a perf map: generated code, whose tables only the process can tell.
     */
    static boolean hasAnonymousCode(Pid pid) {
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/perf-" + pid.value() + ".map"))) return true;
        try {
            for (ProcMaps.Mapping m : ProcMaps.read(pid.value())) {
                if (!m.executable()) continue;
                String path = m.path().orElse("");
                if (path.equals("[vdso]") || path.equals("[vsyscall]")) continue;
                if (path.isEmpty() || path.startsWith("[") || m.inode() == 0) return true;
            }
            return false;
        } catch (java.io.IOException e) {
            return true;        // cannot tell: look
        }
    }

    /** Attach, every thread's stack, detach (also when reading fails). */
    static DumpReport stackSnapshot(Pid pid, Cancellation cancel) {
        // Loading libdw (JNA registers ~50 functions) overlaps with the ptrace work of attaching.
        java.util.concurrent.CompletableFuture<Optional<String>> libdw =
                java.util.concurrent.CompletableFuture.supplyAsync(ElfSession::unavailableReason);
        try (Tracer tracer = Tracer.attach(pid)) {
            libdw.join().ifPresent(r -> { throw new TargetException("process " + pid + ": " + r); });
            // Generated code needs Sextant's thread callbacks (its frames are stepped with the
            // target's dynamic tables); otherwise libdwfl reads the stopped threads itself, with no
            // callback per word. Looking the JIT descriptor up reads every module's symbol table.
            boolean generated = hasAnonymousCode(pid);
            try (LiveSession dwfl = generated
                    ? LiveSession.open(pid.value(), LiveSnapshot.unwindSource(tracer), DebugFileCache.standard()::substitute)
                    : LiveSession.openStopped(pid.value(), DebugFileCache.standard()::substitute);
                 DynamicTables tables = new DynamicTables()) {
                if (generated) JitWatch.readOnce(tracer, new SourceLookup(dwfl), tables);
                return LiveSnapshot.read(tracer, dwfl, generated ? Optional.of(tables) : Optional.empty(), cancel);
            } catch (NativeCallException e) {
                throw new TargetException("process " + pid + ": libdwfl cannot read it (" + e.getMessage() + ")", e);
            } finally {
                tracer.detach();
            }
        }
    }
}
