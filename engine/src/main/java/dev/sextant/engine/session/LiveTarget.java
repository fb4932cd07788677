package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.ExitStatus;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.SseRegisters;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.UnwoundRegisters;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.api.VariableKind;
import dev.sextant.engine.api.Watchpoint;
import dev.sextant.engine.code.CodeSymbols;
import dev.sextant.engine.code.Disassembler;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.LiveSession;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.state.EvaluationException;
import dev.sextant.engine.state.Assignment;
import dev.sextant.engine.state.StateSession;
import dev.sextant.engine.linux.BreakpointSites;
import dev.sextant.engine.linux.FpRegisters;
import dev.sextant.engine.linux.JitWatch;
import dev.sextant.engine.linux.Launcher;
import dev.sextant.engine.linux.LiveSnapshot;
import dev.sextant.engine.linux.ProcMaps;
import dev.sextant.engine.linux.Rendezvous;
import dev.sextant.engine.linux.TraceEvent;
import dev.sextant.engine.linux.Tracer;
import dev.sextant.engine.state.EvalContext;
import dev.sextant.engine.state.EvaluationException;
import dev.sextant.engine.state.Expression;
import dev.sextant.engine.state.LiveFrames;
import dev.sextant.engine.state.Value;
import dev.sextant.engine.state.VariableTree;
import dev.sextant.engine.symbols.DebugFileCache;
import dev.sextant.engine.unwind.DynamicTables;
import dev.sextant.engine.unwind.FunctionTableEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

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
    private final BreakpointActions actions;
    private final Sink sink;
    private Optional<Rendezvous> rendezvous;
    private final DynamicTables dynamicTables = new DynamicTables();
    private JitWatch jitWatch;
    private final Map<Long, Module> modulesByBase = new HashMap<>();
    private int lastTid;
    private boolean modulesDirty;
    private Command.SetScope scope = new Command.SetScope(new Tid(0), 0);

    private final Supplier<Disassembler> disassembler;

    private LiveTarget(Tracer tracer, Sink sink, Supplier<Disassembler> disassembler) {
        this.tracer = tracer;
        this.sink = sink;
        this.disassembler = disassembler;
        try {
            this.dwfl = LiveSession.open(tracer.pid(), LiveSnapshot.unwindSource(tracer), DebugFileCache.standard()::substitute);
        } catch (NativeCallException e) {
            throw new TargetException("process " + tracer.pid() + ": libdwfl cannot read it (" + e.getMessage() + ")", e);
        }
        this.lookup = new SourceLookup(dwfl);
        this.actions = new BreakpointActions(tracer, this::frameContext,
                (id, tid, message) -> sink.emit(new DebugEvent.LogpointPrinted(sink.stopId(), id, new Tid(tid), message)));
        tracer.setStopFilter(actions);
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

    static LiveTarget attach(Pid pid, Sink sink, Supplier<Disassembler> disassembler) {
        requireLibdw(pid.toString());
        Tracer t = Tracer.attach(pid);
        return open(t, sink, "process " + pid, disassembler);
    }

    static LiveTarget launch(Command.Launch l, Sink sink, Supplier<Disassembler> disassembler) {
        requireLibdw(l.program().toString());
        Tracer t = Launcher.launch(l.program(), l.arguments(), l.workingDirectory(), l.environment(), l.output());
        return open(t, sink, l.program().toString(), disassembler);
    }

    private static void requireLibdw(String what) {
        ElfSession.unavailableReason().ifPresent(r -> { throw new TargetException(what + ": " + r); });
    }

    private static LiveTarget open(Tracer t, Sink sink, String source, Supplier<Disassembler> disassembler) {
        LiveTarget target;
        try {
            target = new LiveTarget(t, sink, disassembler);
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
        return new DumpReport(Path.of("/proc/" + tracer.pid()), "live process", LiveSnapshot.processInfo(tracer.pid()),
                Optional.empty(), tracer.stoppedThreads().length == 0 ? List.of() : threadInfos(), List.of(), List.of(), List.of());
    }

    private List<ThreadInfo> threadInfos() {
        List<ThreadInfo> out = new ArrayList<>();
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

    /** gdb's nexti: a call at the pc runs until it returns to the next instruction in this frame; any other instruction is stepped. */
    Boolean stepOverInstruction(Command.StepOverInstruction s) {
        ready();
        int tid = thread(s.thread());
        long pc = tracer.registersPc(tid);
        MemoryBlock block = tracer.readProgramMemory(pc, 16);
        int readable = 0;
        while (readable < block.length() && block.readable(readable)) readable++;
        List<Instruction> at = disassembler.get().decode(block.bytes(), readable, pc, 1, CodeSymbols.NONE, a -> Optional.empty());
        resumed();
        if (!at.isEmpty() && at.get(0).mnemonic().startsWith("call")) tracer.stepOverCall(tid, pc + at.get(0).length());
        else tracer.stepInstruction(tid);
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
        // "LOCATION if EXPR": the condition is parsed before anything is inserted.
        String spec = b.location().strip();
        int ifAt = spec.indexOf(" if ");
        Optional<String> condition = ifAt < 0 ? Optional.empty() : Optional.of(spec.substring(ifAt + 4).strip());
        String where = ifAt < 0 ? spec : spec.substring(0, ifAt).strip();
        condition.ifPresent(BreakpointActions::checkSyntax);
        long address = resolve(where);
        int id = tracer.addBreakpoint(address, where);
        if (condition.isPresent()) actions.configure(id, condition, OptionalLong.empty(), Optional.empty());
        Breakpoint bp = breakpoint(id);
        sink.emit(new DebugEvent.BreakpointChanged(sink.stopId(), bp, false));
        return bp;
    }

    Breakpoint configureBreakpoint(Command.ConfigureBreakpoint cb) {
        ready();
        breakpoint(cb.id());                                  // an unknown id fails here
        actions.configure(cb.id(), cb.condition(), cb.stopAfterHits(), cb.logMessage());
        Breakpoint bp = breakpoint(cb.id());
        sink.emit(new DebugEvent.BreakpointChanged(sink.stopId(), bp, false));
        return bp;
    }

    Watchpoint setWatchpoint(Command.SetWatchpoint w) {
        ready();
        requireRunning(false);
        BreakpointActions.Watch watch = actions.addWatch(w.expression(), w.readWrite(), scopeThread());
        sink.emit(new DebugEvent.WatchpointChanged(sink.stopId(), watch.snapshot(), false));
        return watch.snapshot();
    }

    Boolean removeWatchpoint(Command.RemoveWatchpoint r) {
        ready();
        requireRunning(false);
        BreakpointActions.Watch watch = actions.removeWatch(r.id());
        sink.emit(new DebugEvent.WatchpointChanged(sink.stopId(), watch.snapshot(), true));
        return Boolean.TRUE;
    }

    /** Set next statement: the thread's pc moves, a stop is reported there. */
    Address setProgramCounter(Command.SetProgramCounter sp) {
        ready();
        int tid = thread(sp.thread());
        long pc = resolveCode(sp.location());
        tracer.setProgramCounter(tid, pc);
        sink.emit(new DebugEvent.ProcessStopped(sink.nextStopId(), new Tid(tid), new StopReason.StepCompleted(Address.of(pc))));
        return Address.of(pc);
    }

    /** Run to cursor: a one-shot breakpoint, then continue. */
    Boolean runTo(Command.RunTo rt) {
        ready();
        requireRunning(false);
        long address = resolveCode(rt.location());
        int id = tracer.addBreakpoint(address, rt.location());
        actions.markOneShot(id);
        resumed();
        tracer.resumeAll();
        return Boolean.TRUE;
    }

    /** Of the process's memory (module or generated code), running or stopped. */
    Disassembly disassemble(Command.Disassemble d) {
        ready();
        if (!tracer.running()) jitWatch.sync();     // generated code registered since the last stop is named too
        return LiveCode.disassemble(tracer, dwfl, lookup, dynamicTables, d.range(), disassembler.get(), this::valueOf);
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
        actions.forget(r.id());
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

    /** The registers of one frame of a stopped thread, as unwound. */
    UnwoundRegisters readFrameRegisters(Command.ReadFrameRegisters f) {
        ready();
        requireRunning(false);
        return FrameRegisterRows.of(f.thread(), f.frame(), dwfl.frameRegisters(f.thread().value(), f.frame()));
    }

    /** xmm0–xmm15 and mxcsr of a stopped thread's frame 0 (PTRACE_GETFPREGS); callers' are not saved. */
    SseRegisters readSseRegisters(Command.ReadSseRegisters r) {
        ready();
        requireRunning(false);
        if (r.frame() > 0) return new SseRegisters(r.thread(), r.frame(), Optional.empty());
        return new SseRegisters(r.thread(), 0, Optional.of(SseRegisters.fxsave(FpRegisters.read(r.thread().value()))));
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

    List<Variable> readVariables(Command.ReadVariables rv) {
        ready();
        requireRunning(false);
        return state().variables(scopeThread(rv.thread()), rv.frame().orElse(scope.frame()), rv.elements());
    }

    Variable evaluate(Command.Evaluate ev) {
        ready();
        requireRunning(false);
        return state().evaluate(scopeThread(ev.thread()), ev.frame().orElse(scope.frame()), ev.expression(),
                Command.ReadVariables.DEFAULT_ELEMENTS);
    }

    /** gdb's {@code set var} at this stop: written through the scope's thread, read back. */
    Variable setVariable(Command.SetVariable sv) {
        ready();
        requireRunning(false);
        int tid = scopeThread(sv.thread());
        int frame = sv.frame().orElse(scope.frame());
        Assignment.Write w;
        try {
            w = state().assign(tid, frame, sv.variable(), sv.value());
        } catch (EvaluationException e) {
            throw new TargetException("cannot set " + sv.variable() + ": " + e.getMessage());
        }
        tracer.writeMemory(tid, w.address(), w.bytes());
        return state().evaluate(tid, frame, sv.variable(), Command.ReadVariables.DEFAULT_ELEMENTS);
    }

    private StateSession state;
    private long stateStop = -1;

    /** This stop's frames and variables, walked on the first request after each stop. */
    private StateSession state() {
        if (state == null || stateStop != sink.stopId()) {
            state = StateSession.open(dwfl, false, (address, length) -> {
                MemoryBlock b = tracer.readProgramMemory(address, length);
                for (int i = 0; i < length; i++) if (!b.readable(i)) throw EvaluationException.unreadable(address + i);
                return b.bytes();
            });
            stateStop = sink.stopId();
        }
        return state;
    }

    private int scopeThread(Optional<Tid> t) {
        if (t.isPresent()) return t.get().value();
        return scope.thread().value() != 0 ? scope.thread().value() : lastTid;
    }

    DumpReport readStacks(Command.ReadStacks r) {
        ready();
        requireRunning(false);
        jitWatch.sync();
        return LiveSnapshot.read(tracer, dwfl, Optional.of(dynamicTables), r.cancellation());
    }

    /** A register of the scope's thread (at a stop), else a symbol of any loaded module (data or code). */
    private OptionalLong valueOf(String name) {
        if (!tracer.running()) {
            int tid = scope.thread().value() != 0 ? scope.thread().value() : lastTid;
            long[] regs = tracer.registers(tid);
            if (regs != null) {
                Optional<Register> r = LiveSnapshot.registerSet(regs).find(name);
                if (r.isPresent()) return OptionalLong.of(r.get().value());
            }
        } else if (LiveSnapshot.isRegisterName(name)) {
            throw new TargetException(name + ": registers are read at a stop; break first (Ctrl+Break)");
        }
        List<Long> at = lookup.symbolAddresses(name, false);
        return at.isEmpty() ? OptionalLong.empty() : OptionalLong.of(at.get(0));
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
                .map(r -> Path.of(r.file()).getFileName() + ":" + r.line());
        BreakpointActions.Actions a = actions.of(id);
        return new Breakpoint(b.id(), b.spec(), Address.of(b.address()), line, b.enabled(), b.hits(),
                a.condition().map(Expression::text), a.stopAfterHits(), a.log().map(BreakpointActions.LogMessage::text));
    }

    private LiveFrames liveFrames;

    /** The innermost frame of stopped thread {@code tid}, as conditions, logpoints and watches see it. */
    private EvalContext frameContext(int tid) {
        long[] regs = tracer.registers(tid);
        if (regs == null) throw new TargetException("thread " + tid + " is gone");
        if (liveFrames == null || modulesDirty) {
            ensureModules();
            liveFrames = new LiveFrames(dwfl, (address, length) -> {
                byte[] b = tracer.readMemoryCached(address, length);
                if (b.length < length) throw EvaluationException.unreadable(address + b.length);
                return b;
            });
        }
        return liveFrames.innermost(regs);
    }

    /** The thread of the current scope (the last stopped thread when none was chosen). */
    private int scopeThread() {
        return scope.thread().value() != 0 ? scope.thread().value() : lastTid;
    }

    /** A code location for run-to-cursor and set-next-statement: {@code file:line} or an address expression ({@code 0x401136}, {@code main+0x10}). */
    private long resolveCode(String location) {
        String l = location.strip();
        int colon = l.lastIndexOf(':');
        if (colon > 0 && colon < l.length() - 1 && l.substring(colon + 1).chars().allMatch(Character::isDigit)) return resolve(l);
        return AddressExpression.evaluate(l, this::valueOf);
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
        Telling t = new Telling();
        t.tellDrained();
        if (!tracer.ended()) {
            tracer.releaseHeld();
            // Letting a held thread on steps it over its breakpoint and waits for that step: a
            // process killed meanwhile ends there, and its exit must be told now, not never.
            t.tellDrained();
        }
        // A process that ended makes the failure of its last stop's handling moot.
        if (t.failed != null && !tracer.ended()) throw t.failed;
        return any || t.told;
    }

    /**
     * Tells every event the tracer has queued, each even if an earlier one fails: a process SIGKILLed
     * while stopped gives its last stop and its exit together, and the stop's handling (reading a
     * dead process) throws; the exit, drained with it, was then never told and the session ended in
     * silence. Events queued while these are handled are told too. Keeps the first failure.
     */
    private final class Telling {
        boolean told;
        RuntimeException failed;

        void tellDrained() {
            for (List<TraceEvent> events; !(events = tracer.drainEvents()).isEmpty(); ) {
                told = true;
                for (TraceEvent e : events) {
                    try {
                        translate(e);
                    } catch (RuntimeException ex) {
                        if (failed == null) failed = ex;
                    }
                }
            }
        }
    }

    private boolean exitTold;

    private void tellExit(ExitStatus status) {
        if (exitTold) return;
        exitTold = true;
        long id = sink.stopId();
        sink.emit(new DebugEvent.ProcessStopped(id, new Tid(tracer.pid()), new StopReason.ProcessExit(status)));
        sink.emit(new DebugEvent.ProcessExited(id, status));
    }

    /**
     * A process that ended is told as ended even when its exit event was lost on the way (a failure
     * in handling what was drained with it): a session never ends in silence.
     */
    void tellExitIfUntold() {
        tracer.exitStatus().ifPresent(this::tellExit);
    }

    private void translate(TraceEvent e) {
        long id = sink.stopId();
        if (e instanceof TraceEvent.ThreadStarted s) {
            sink.emit(new DebugEvent.ThreadCreated(id, new Tid(s.tid())));
        } else if (e instanceof TraceEvent.ThreadEnded s) {
            sink.emit(new DebugEvent.ThreadExited(id, new Tid(s.tid()), s.status()));
        } else if (e instanceof TraceEvent.Stopped s) {
            lastTid = s.tid();
            StopReason reason = s.reason();
            if (reason instanceof StopReason.BreakpointHit h && actions.isOneShot(h.breakpointId())) {
                reason = new StopReason.StepCompleted(h.pc());          // run to cursor arrived
            }
            removeOneShots();
            sink.emit(new DebugEvent.ProcessStopped(id, new Tid(s.tid()), reason));
            if (reason instanceof StopReason.WatchpointHit w) {
                actions.watch(w.watchpointId()).ifPresent(x -> sink.emit(new DebugEvent.WatchpointChanged(id, x.snapshot(), false)));
            }
            Command.SetScope stopScope = new Command.SetScope(new Tid(s.tid()), 0);
            if (!scope.equals(stopScope)) {
                scope = stopScope;
                sink.changeSymbolState(EngineListener.DEBUG_CSS_SCOPE, 0);
            }
            if (reason instanceof StopReason.BreakpointHit h) {
                sink.emit(new DebugEvent.BreakpointChanged(id, breakpoint(h.breakpointId()), false));
            }
        } else if (e instanceof TraceEvent.Exited x) {
            tellExit(x.status());
        } else if (e instanceof TraceEvent.Execed) {
            modulesDirty = false;
            liveFrames = null;
            dwfl.refreshModules(tracer.pid());
            rendezvous = Rendezvous.install(tracer, lookup);
            jitWatch = JitWatch.install(tracer, lookup, dynamicTables);
        } else if (e instanceof TraceEvent.ModulesChanged m) {
            modulesChanged(id, m);
        }
    }

    /** A run-to-cursor breakpoint goes at the first stop, whatever stopped the target. */
    private void removeOneShots() {
        for (BreakpointSites.UserBreakpoint b : tracer.breakpoints()) {
            if (actions.isOneShot(b.id())) {
                tracer.removeBreakpoint(b.id());
                actions.forget(b.id());
            }
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
            long end = extent(maps, base, path);
            Optional<String> file = !path.isEmpty() && Files.isRegularFile(Path.of(path))
                    ? Optional.of(path) : Optional.empty();
            Optional<String> buildId = file.flatMap(f -> dev.sextant.engine.format.elf.BuildId.ofFile(java.nio.file.Path.of(f)));
            Module mod = new Module(path, Address.of(base), end - base, buildId, file, Optional.empty());
            modulesByBase.put(base, mod);
            sink.emit(new DebugEvent.ModuleLoaded(id, mod));
        }
    }

    /**
     * Where a library loaded at {@code base} ends: the last mapping of the file mapped at its base.
     * The link map's name ({@code /lib/…/libc.so.6}) and /proc/PID/maps' ({@code /usr/lib/…}, the
     * resolved path) differ on a merged-/usr system, so the file is the one mapped at the base, by
     * inode, and the link map's name is the fallback.
     */
    static long extent(List<ProcMaps.Mapping> maps, long base, String path) {
        ProcMaps.Mapping first = null;
        for (ProcMaps.Mapping map : maps) {
            if (map.start() == base && map.path().isPresent()) { first = map; break; }
        }
        long end = base;
        for (ProcMaps.Mapping map : maps) {
            boolean same = first != null ? map.inode() == first.inode() && map.path().equals(first.path()) : map.path().orElse("").equals(path);
            if (same && Long.compareUnsigned(map.start(), base) >= 0 && Long.compareUnsigned(map.end(), end) > 0) end = map.end();
        }
        return end;
    }

    /** Brings libdwfl's module list up to date after dlopen/dlclose, before anything reads symbols or unwinds. */
    private void ensureModules() {
        if (!modulesDirty) return;
        modulesDirty = false;
        liveFrames = null;
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
        if (Files.exists(Path.of("/tmp/perf-" + pid.value() + ".map"))) return true;
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
