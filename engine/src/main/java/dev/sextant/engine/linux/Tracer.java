package dev.sextant.engine.linux;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.ExitStatus;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.SignalInfo;
import dev.sextant.engine.api.Signals;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.linux.jna.Ptrace;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The ptrace session with one live process: every thread seized, stopped and resumed together,
 * software breakpoints, single steps, and the wait-status bookkeeping that turns the kernel's
 * stops into {@link TraceEvent}s. Not thread-safe, and it cannot be: Linux accepts ptrace
 * requests only from the thread that attached, so the engine thread that created the tracer
 * makes every call ({@link #checkThread()} asserts it).
 */
public final class Tracer implements AutoCloseable {
    static final int RIP = 16, RSP = 19, EFLAGS = 18;
    /** Signals a debugger passes on without stopping (gdb's defaults), and glibc's two internal ones. */
    private static final Set<Integer> PASS = Set.of(14, 17, 23, 26, 27, 28, 29, 32, 33);

    /** Decides, after each single step of the stepping thread, whether a step command is complete. */
    interface StepPlan {
        /** {@code true}: report the step as complete; {@code false}: the plan has resumed the thread itself. */
        boolean stepped(Tracer tracer, int tid);
    }

    /**
     * What a user breakpoint hit or a data watchpoint trap means, decided by the session with the
     * thread stopped (the others run on): the stop to report, or empty to let the thread continue
     * at once (a false condition, a logpoint, a hit count not reached, a write that kept the value).
     */
    public interface StopFilter {
        Optional<StopReason> breakpointHit(int tid, BreakpointSites.UserBreakpoint breakpoint);

        Optional<StopReason> watchpointHit(int tid, int slot);
    }

    private StopFilter filter = new StopFilter() {
        @Override public Optional<StopReason> breakpointHit(int tid, BreakpointSites.UserBreakpoint b) {
            return Optional.of(new StopReason.BreakpointHit(b.id(), Address.of(b.address()), b.hits()));
        }
        @Override public Optional<StopReason> watchpointHit(int tid, int slot) { return Optional.empty(); }
    };

    public void setStopFilter(StopFilter filter) { this.filter = filter; }

    static final class Task {
        final int tid;
        boolean fresh;
        boolean stopped;
        boolean gone;
        int pendingSignal;
        long[] regs;
        boolean regsDirty;          // regs hold a pc not yet written back (a breakpoint hit's pc - 1)
        Task(int tid, boolean stopped) { this.tid = tid; this.stopped = stopped; }
    }

    private final int pid;
    private final boolean launched;
    private final Thread owner = Thread.currentThread();
    private final Map<Integer, Task> tasks = new LinkedHashMap<>();
    private final Deque<TraceEvent> events = new ArrayDeque<>();
    private final java.util.Set<Integer> earlyStarts = new java.util.HashSet<>();
    private final List<Task> held = new ArrayList<>();
    private final Deque<TraceEvent.Stopped> deferred = new ArrayDeque<>();
    private final ProcessMemory memory;
    private final BreakpointSites sites = new BreakpointSites();
    private final DebugRegisters debugRegisters = new DebugRegisters();
    private TraceEvent.Stopped stepOverStop;
    private boolean running;
    private boolean stopping;
    private Optional<ExitStatus> exit = Optional.empty();
    private int steppingTid;
    private StepPlan stepPlan;

    private Tracer(int pid, boolean launched) throws IOException {
        this.pid = pid;
        this.launched = launched;
        this.memory = new ProcessMemory(pid);
    }

    // ---- attach / launch -------------------------------------------------------------------

    /**
     * Seizes every thread of {@code pid} and stops them all. Fails with a {@link TargetException}
     * that says why (no such process, already traced, not permitted) and what to do.
     */
    public static Tracer attach(Pid target) {
        int pid = target.value();
        ProcessStatus.checkAttachable(pid);
        Tracer t;
        try {
            t = new Tracer(pid, false);
        } catch (IOException e) {
            throw new TargetException("process " + pid + ": cannot open /proc/" + pid + "/mem (" + e.getMessage() + ")", e);
        }
        try {
            t.seizeAll();
            t.stopAll();
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        if (t.exit.isPresent()) throw new TargetException("process " + pid + " exited while Sextant attached to it");
        return t;
    }

    /** Wraps a process the {@link Launcher} holds stopped before its exec and seizes it with PTRACE_O_EXITKILL. */
    static Tracer adoptLaunched(int pid) throws IOException {
        Tracer t = new Tracer(pid, true);
        t.tasks.put(pid, new Task(pid, true));
        return t;
    }

    private void seizeAll() {
        long options = Ptrace.options(launched);
        // Threads started during the scan are seized by the kernel (TRACECLONE) once their parent
        // is seized; rescan until a pass finds nothing new.
        for (boolean found = true; found; ) {
            found = false;
            for (int tid : ProcessStatus.tasks(pid)) {
                if (tasks.containsKey(tid)) continue;
                try {
                    Ptrace.seize(tid, options);
                } catch (NativeCallException e) {
                    if (e.code() == Ptrace.ESRCH && tid != pid) continue;     // the thread ended meanwhile
                    throw ProcessStatus.explainAttachFailure(pid, e);
                }
                tasks.put(tid, new Task(tid, false));
                found = true;
            }
        }
    }

    // ---- queries -----------------------------------------------------------------------------

    public int pid() { return pid; }

    public boolean launched() { return launched; }

    public boolean running() { return running; }

    public boolean ended() { return exit.isPresent(); }

    public Optional<ExitStatus> exitStatus() { return exit; }

    /** Thread ids, in the order they were seen. */
    public List<Integer> threads() { return new ArrayList<>(tasks.keySet()); }

    /** The stopped threads, for the unwinder. */
    public int[] stoppedThreads() {
        return tasks.values().stream().filter(t -> t.stopped && !t.gone).mapToInt(t -> t.tid).toArray();
    }

    /** x86-64 user_regs_struct of a stopped thread (cached for this stop), or null when it is gone. */
    public long[] registers(int tid) {
        checkThread();
        Task t = tasks.get(tid);
        if (t == null || !t.stopped) return null;
        if (t.regs == null) {
            try {
                t.regs = Ptrace.getRegs(tid);
            } catch (NativeCallException e) {
                if (e.code() == Ptrace.ESRCH) return null;
                throw e;
            }
        }
        return t.regs;
    }

    public void setRegisters(int tid, long[] regs) {
        checkThread();
        Ptrace.setRegs(tid, regs);
        Task t = tasks.get(tid);
        if (t != null) {
            t.regs = regs.clone();
            t.regsDirty = false;
        }
    }

    /** The pc of a stopped thread, 0 when it cannot be read. */
    public long registersPc(int tid) { return pc(tid); }

    long pc(int tid) {
        long[] r = registers(tid);
        return r == null ? 0 : r[RIP];
    }

    /** Set next statement: the stopped thread resumes at {@code pc}. */
    public void setProgramCounter(int tid, long pc) {
        checkThread();
        Task t = tasks.get(tid);
        if (t == null || !t.stopped) throw new TargetException("thread " + tid + " is not stopped");
        setPc(tid, pc);
    }

    void setPc(int tid, long pc) {
        long[] r = registers(tid).clone();
        r[RIP] = pc;
        setRegisters(tid, r);
    }

    public byte[] readMemory(long address, int length) { return memory.read(address, length); }

    /**
     * As {@link #readMemory}, through the page cache of this stop: a condition at a breakpoint hit
     * reads the stack page that the instruction under the breakpoint, emulated next, reads too.
     */
    public byte[] readMemoryCached(long address, int length) {
        byte[] b = memory.readCached(address, length);
        return b != null ? b : memory.read(address, length);
    }

    /** The program's bytes at {@code address}: unreadable pages marked, inserted breakpoints shown as their original bytes. */
    public MemoryBlock readProgramMemory(long address, int length) {
        byte[] bytes = new byte[length];
        java.util.BitSet readable = new java.util.BitSet(length);
        memory.readPages(address, bytes, readable);
        sites.showOriginals(address, bytes);
        return new MemoryBlock(Address.of(address), bytes, readable);
    }

    /** Replaces one byte of the target's memory (PTRACE_POKEDATA through stopped thread {@code tid}); returns the old byte. */
    byte writeByte(int tid, long address, byte value) {
        long word = Ptrace.peek(tid, address);
        byte old = (byte) word;
        Ptrace.poke(tid, address, (word & ~0xffL) | (value & 0xffL));
        memory.invalidate();
        return old;
    }

    /**
     * Writes {@code bytes} at {@code address} through stopped thread {@code tid} (PTRACE_PEEKDATA and
     * PTRACE_POKEDATA a word at a time, the bytes around the range kept): a debugger's {@code set var}.
     */
    public void writeMemory(int tid, long address, byte[] bytes) {
        checkThread();
        long end = address + bytes.length;
        for (long word = address & ~7L; word < end; word += 8) {
            long old = Ptrace.peek(tid, word);
            long value = old;
            for (int k = 0; k < 8; k++) {
                long at = word + k;
                if (at < address || at >= end) continue;
                value = (value & ~(0xffL << (8 * k))) | ((bytes[(int) (at - address)] & 0xffL) << (8 * k));
            }
            if (value != old) Ptrace.poke(tid, word, value);
        }
        memory.invalidate();
    }

    public boolean readWord(long address, long[] out) { return memory.readWord(address, out); }

    BreakpointSites sites() { return sites; }

    /** The launcher saw the exec stop itself. */
    void execed() { memory.reopen(); }

    /** Queues an event found while handling a stop (the rendezvous reports module changes this way). */
    void addEvent(TraceEvent e) { events.add(e); }

    /** Events seen since the last call, oldest first. */
    public List<TraceEvent> drainEvents() {
        List<TraceEvent> out = new ArrayList<>(events);
        events.clear();
        return out;
    }

    void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("ptrace requests must come from the thread that attached (" + owner.getName() + ")");
        }
    }

    // ---- stop / resume -----------------------------------------------------------------------

    /** Stops every running thread (PTRACE_INTERRUPT) and waits until all have stopped. */
    public void stopAll() {
        checkThread();
        stopping = true;
        try {
            for (Task t : tasks.values()) {
                if (t.stopped || t.gone) continue;
                try {
                    Ptrace.interrupt(t.tid);
                } catch (NativeCallException e) {
                    if (e.code() != Ptrace.ESRCH) throw e;
                    t.gone = true;                      // exited; its status comes through waitpid
                }
            }
            long quiet = System.nanoTime();
            long deadline = quiet + 15_000_000_000L;
            while (!exit.isPresent() && tasks.values().stream().anyMatch(t -> !t.stopped && !t.gone)) {
                Optional<Ptrace.WaitStatus> ws = Ptrace.waitFor(-1, false);
                if (ws.isPresent()) {
                    handle(ws.get()).ifPresent(deferred::add);
                    quiet = System.nanoTime();
                } else if (System.nanoTime() > deadline) {
                    throw new TargetException("process " + pid + ": threads " + tasks.values().stream()
                            .filter(t -> !t.stopped && !t.gone).map(t -> Integer.toString(t.tid)).toList()
                            + " did not stop within 15 s of PTRACE_INTERRUPT");
                } else if (System.nanoTime() - quiet > 2_000_000_000L) {
                    markVanished();
                    quiet = System.nanoTime();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        } finally {
            stopping = false;
        }
        // Pages read while other threads still ran (a condition's, at the hit that stops) may be stale now.
        memory.invalidate();
        running = false;
    }

    /** Threads that neither stop nor report an exit (a zombie group leader): stop waiting for them. */
    private void markVanished() {
        for (Task t : tasks.values()) {
            if (!t.stopped && !t.gone && !ProcessStatus.alive(pid, t.tid)) t.gone = true;
        }
    }

    /** Continues every thread, stepping threads that sit on a breakpoint over it first. */
    public void resumeAll() {
        checkThread();
        if (exit.isPresent()) return;
        if (!deferred.isEmpty()) {          // a stop seen while stopping the others: report it now
            events.add(deferred.poll());
            return;
        }
        memory.invalidate();
        held.clear();
        List<Task> toResume = tasks.values().stream().filter(t -> t.stopped && !t.gone).toList();
        for (Task t : toResume) stepOverBreakpoint(t);
        if (stepOverStop != null) {         // a watchpoint trapped in the instruction under a breakpoint
            events.add(stepOverStop);
            stepOverStop = null;
            return;
        }
        running = true;
        for (Task t : toResume) if (t.stopped) continueTask(t);
    }

    /** Single-steps one thread while the others stay stopped; completion is reported as a stop. */
    public void stepInstruction(int tid) { step(tid, (tr, t) -> true); }

    void step(int tid, StepPlan plan) {
        checkThread();
        Task t = tasks.get(tid);
        if (t == null || !t.stopped) throw new TargetException("thread " + tid + " is not stopped");
        steppingTid = tid;
        stepPlan = plan;
        memory.invalidate();
        running = true;
        singleStepTask(t);
    }

    /** Steps or runs {@code tid} under {@code plan} until the plan says the step is complete (reported as a stop). */
    public void stepLine(int tid, boolean into, SourceLookup lookup) {
        checkThread();
        Task t = tasks.get(tid);
        if (t == null || !t.stopped) throw new TargetException("thread " + tid + " is not stopped");
        Optional<LineStep> plan = LineStep.at(this, lookup, tid, into);
        if (plan.isEmpty()) stepInstruction(tid);       // no line information here: one instruction
        else step(tid, plan.get());
    }

    /** Runs {@code tid} to {@code returnAddress} (the caller's frame, from the unwinder). */
    public void stepOut(int tid, long returnAddress) {
        checkThread();
        Task t = tasks.get(tid);
        if (t == null || !t.stopped) throw new TargetException("thread " + tid + " is not stopped");
        StepOut plan = new StepOut(returnAddress, registers(tid)[RSP]);
        steppingTid = tid;
        stepPlan = plan;
        running = true;
        plan.start(this, tid);
    }

    /**
     * Over the call at {@code tid}'s pc (gdb's nexti): runs it until it reaches {@code returnAddress}
     * with the stack pointer back where it is now (a recursive call returning there first runs on).
     */
    public void stepOverCall(int tid, long returnAddress) {
        checkThread();
        Task t = tasks.get(tid);
        if (t == null || !t.stopped) throw new TargetException("thread " + tid + " is not stopped");
        StepOut plan = new StepOut(returnAddress, registers(tid)[RSP] - 1);
        steppingTid = tid;
        stepPlan = plan;
        running = true;
        plan.start(this, tid);
    }

    Task task(int tid) { return tasks.get(tid); }

    /** Continues only {@code tid} (the others stay stopped) until it reaches a breakpoint, then asks the plan. */
    void runThread(int tid) {
        Task t = tasks.get(tid);
        memory.invalidate();
        stepOverBreakpoint(t);
        if (t.stopped) continueTask(t);
    }

    void singleStepTask(Task t) {
        long pc = pc(t.tid);
        boolean lifted = sites.lift(this, t.tid, pc);
        t.regs = null;
        try {
            memory.invalidate();            // the step may write what a condition read
            Ptrace.singleStep(t.tid, takeSignal(t));
            t.stopped = false;
            if (lifted) {
                // Wait for this one step here so the breakpoint byte goes back at once.
                Ptrace.WaitStatus ws = Ptrace.waitFor(t.tid, true).orElseThrow();
                sites.restore(this, stoppedTid(t.tid), pc);
                handle(ws).ifPresent(this::reportStop);
            }
        } catch (NativeCallException e) {
            if (e.code() != Ptrace.ESRCH) throw e;
            t.gone = true;
        }
    }

    private int stoppedTid(int preferred) {
        Task t = tasks.get(preferred);
        if (t != null && t.stopped) return preferred;
        return tasks.values().stream().filter(x -> x.stopped && !x.gone).mapToInt(x -> x.tid).findFirst().orElse(preferred);
    }

    /** Writes registers changed in place back (a breakpoint hit's pc) before anything else uses the thread. */
    private void flushRegisters(Task t) {
        if (!t.regsDirty) return;
        t.regsDirty = false;
        if (t.stopped && !t.gone && t.regs != null) Ptrace.setRegs(t.tid, t.regs);
    }

    private void stepOverBreakpoint(Task t) {
        long pc = pc(t.tid);
        if (!sites.isInserted(pc)) {
            flushRegisters(t);
            return;
        }
        if (emulateOver(t, pc)) return;
        flushRegisters(t);
        sites.lift(this, t.tid, pc);
        try {
            memory.invalidate();            // the step may write what a condition read
            Ptrace.singleStep(t.tid, 0);
            t.stopped = false;
            t.regs = null;
            Ptrace.WaitStatus ws = Ptrace.waitFor(t.tid, true).orElseThrow();
            if (ws.isSignalStop() && ws.stopSignal() == Ptrace.SIGTRAP) {   // the step's own trap: consumed
                t.stopped = true;
                if (debugRegisters.any()) {
                    // The stepped instruction may also have written a watched variable (DR6 says so).
                    java.util.OptionalInt slot = debugRegisters.triggered(t.tid);
                    if (slot.isPresent()) {
                        filter.watchpointHit(t.tid, slot.getAsInt())
                                .ifPresent(r -> stepOverStop = new TraceEvent.Stopped(t.tid, r));
                    }
                }
                return;
            }
            boolean wasStopping = stopping;
            stopping = true;                 // a trap here is ours, not a user stop
            try {
                handle(ws).ifPresent(deferred::add);
            } finally {
                stopping = wasStopping;
            }
        } finally {
            if (!exit.isPresent()) sites.restore(this, stoppedTid(t.tid), pc);
        }
    }

    /**
     * Runs the instruction under the breakpoint at {@code pc} in the debugger (one SETREGS, maybe one
     * memory word) when it is a simple one and no watchpoint could be triggered by it; true if done.
     */
    private boolean emulateOver(Task t, long pc) {
        if (debugRegisters.any() || t.pendingSignal != 0) return false;
        Optional<StepOverEmulation> e = sites.emulation(pc, a -> memory.read(a, 16));
        if (e.isEmpty()) return false;
        long[] r = registers(t.tid).clone();
        boolean[] wrote = {false};
        boolean done = e.get().apply(r, new StepOverEmulation.Memory() {
            @Override public boolean read(long address, byte[] into) { return memory.readExact(address, into); }
            @Override public boolean write(long address, byte[] bytes) { return wrote[0] = writeBytes(t.tid, address, bytes); }
        });
        if (!done) return false;
        try {
            Ptrace.setRegs(t.tid, r);
        } catch (NativeCallException x) {
            if (x.code() != Ptrace.ESRCH) throw x;
            t.gone = true;
        }
        t.regs = r;
        t.regsDirty = false;
        if (wrote[0]) memory.invalidate();
        return true;
    }

    /** Writes bytes through PTRACE_PEEKDATA/POKEDATA words (all words are read before any is written); false on failure. */
    private boolean writeBytes(int tid, long address, byte[] bytes) {
        long first = address & -8L, last = (address + bytes.length - 1) & -8L;
        int words = (int) ((last - first) / 8) + 1;
        long[] w = new long[words];
        try {
            for (int i = 0; i < words; i++) w[i] = Ptrace.peek(tid, first + 8L * i);
            for (int k = 0; k < bytes.length; k++) {
                long at = address + k - first;
                int wi = (int) (at / 8), shift = (int) (at % 8) * 8;
                w[wi] = (w[wi] & ~(0xffL << shift)) | (bytes[k] & 0xffL) << shift;
            }
            for (int i = 0; i < words; i++) Ptrace.poke(tid, first + 8L * i, w[i]);
            return true;
        } catch (NativeCallException x) {
            return false;
        }
    }

    private void continueTask(Task t) {
        memory.invalidate();
        try {
            Ptrace.cont(t.tid, takeSignal(t));
            t.stopped = false;
            t.regs = null;
        } catch (NativeCallException e) {
            if (e.code() != Ptrace.ESRCH) throw e;
            t.gone = true;
        }
    }

    private static int takeSignal(Task t) {
        int s = t.pendingSignal;
        t.pendingSignal = 0;
        return s;
    }

    /**
     * Handles every wait status available now; when a thread stops for a reason the user sees,
     * stops all the others and queues {@link TraceEvent.Stopped}. Returns true if anything happened.
     */
    public boolean poll() {
        checkThread();
        boolean any = false;
        Optional<Ptrace.WaitStatus> ws;
        while (!exit.isPresent() && (ws = Ptrace.waitFor(-1, false)).isPresent()) {
            any = true;
            handle(ws.get()).ifPresent(this::reportStop);
        }
        return any;
    }

    /** Lets threads held at an internal breakpoint run on (after the session has handled their events). */
    public void releaseHeld() {
        checkThread();
        List<Task> h = new ArrayList<>(held);
        held.clear();
        for (Task t : h) if (t.stopped && !t.gone && tasks.get(t.tid) == t) resumeIfRunning(t);
    }

    /** Blocks until the target stops for a reason the user sees, or ends. */
    public void waitForStop() {
        checkThread();
        while (running && !exit.isPresent()) {
            Optional<Ptrace.WaitStatus> ws = Ptrace.waitFor(-1, true);
            if (ws.isEmpty()) break;
            handle(ws.get()).ifPresent(this::reportStop);
            releaseHeld();
        }
    }

    private void reportStop(TraceEvent.Stopped stop) {
        stopAll();
        events.add(stop);
    }

    // ---- the wait-status state machine ------------------------------------------------------

    private Optional<TraceEvent.Stopped> handle(Ptrace.WaitStatus ws) {
        int tid = ws.tid();
        Task t = tasks.get(tid);
        if (ws.exited() || ws.signaled()) {
            ExitStatus st = ws.exited() ? ExitStatus.exited(ws.exitCode()) : ExitStatus.killed(ws.termSignal());
            if (tid == pid) {
                exit = Optional.of(st);
                running = false;
                tasks.clear();
                events.add(new TraceEvent.Exited(st));
            } else if (t != null) {
                tasks.remove(tid);
                events.add(new TraceEvent.ThreadEnded(tid, st));
            }
            return Optional.empty();
        }
        if (!ws.stopped()) return Optional.empty();
        if (t == null) {
            // With PTRACE_O_TRACECLONE the new thread's first stop can be reported before the
            // parent's clone event; take it in now, the clone event will find it known (or,
            // if it has already ended, in earlyStarts).
            t = new Task(tid, true);
            tasks.put(tid, t);
            earlyStarts.add(tid);
            if (debugRegisters.any()) debugRegisters.apply(tid);      // a new thread starts without them
            events.add(new TraceEvent.ThreadStarted(tid, 0));
            resumeIfRunning(t);
            return Optional.empty();
        }
        t.stopped = true;
        t.regs = null;
        if (ws.isCloneEvent()) {
            int child = (int) Ptrace.eventMessage(tid);
            if (!earlyStarts.remove(child) && !tasks.containsKey(child)) {
                Task c = new Task(child, false);            // its own first stop is on its way
                c.fresh = true;
                tasks.put(child, c);
                events.add(new TraceEvent.ThreadStarted(child, tid));
            }
            resumeIfRunning(t);
            return Optional.empty();
        }
        if (ws.isExecEvent()) {
            memory.reopen();
            sites.forgetAll();
            events.add(new TraceEvent.Execed(tid));
            resumeIfRunning(t);
            return Optional.empty();
        }
        if (t.fresh && ws.isInterruptStop()) {
            t.fresh = false;
            if (debugRegisters.any()) debugRegisters.apply(tid);      // a new thread starts without them
        }
        if (ws.isInterruptStop() || ws.isExitEvent()) {
            // Our PTRACE_INTERRUPT (while stopping: it stays stopped), a new thread's first stop,
            // or a group-stop: while the target runs, all of them go on.
            resumeIfRunning(t);
            return Optional.empty();
        }
        return signalStop(t, ws.stopSignal());
    }

    private Optional<TraceEvent.Stopped> signalStop(Task t, int sig) {
        int tid = t.tid;
        Ptrace.SigInfo si;
        try {
            si = Ptrace.sigInfo(tid);
        } catch (NativeCallException e) {
            if (e.code() != Ptrace.ESRCH) throw e;
            t.gone = true;
            return Optional.empty();
        }
        if (sig == Ptrace.SIGTRAP && debugRegisters.any() && (si.code() == Ptrace.TRAP_HWBKPT || si.code() == Ptrace.TRAP_TRACE)) {
            java.util.OptionalInt slot = debugRegisters.triggered(tid);
            if (slot.isPresent()) {
                if (stopping) return Optional.empty();
                Optional<StopReason> r = filter.watchpointHit(tid, slot.getAsInt());
                if (r.isPresent()) {
                    steppingTid = 0;
                    stepPlan = null;
                    return Optional.of(new TraceEvent.Stopped(tid, r.get()));
                }
                if (tid != steppingTid) {
                    resumeIfRunning(t);
                    return Optional.empty();
                }
                if (si.code() == Ptrace.TRAP_HWBKPT) {
                    resumeIfRunning(t);
                    return Optional.empty();
                }
            }
        }
        if (sig == Ptrace.SIGTRAP) {
            long pc = pc(tid);
            if ((si.code() == Ptrace.SI_KERNEL || si.code() == Ptrace.TRAP_BRKPT) && sites.isInserted(pc - 1)) {
                if (stopping || !sites.userOnly(pc - 1)) {
                    setPc(tid, pc - 1);
                    if (stopping) return Optional.empty();       // re-executed, and so re-reported, on resume
                    return onBreakpoint(t, pc - 1);
                }
                // A user breakpoint: the pc goes back with the resume's own SETREGS (or before anything else)
                long[] r = registers(tid).clone();
                r[RIP] = pc - 1;
                t.regs = r;
                t.regsDirty = true;
                try {
                    return onBreakpoint(t, pc - 1);
                } finally {
                    flushRegisters(t);
                }
            }
            if (tid == steppingTid && (si.code() == Ptrace.TRAP_TRACE || si.code() == Ptrace.TRAP_BRKPT || si.code() > 0)) {
                return onStepped(t);
            }
        }
        t.pendingSignal = sig;
        if (PASS.contains(sig)) {
            resumeIfRunning(t);
            return Optional.empty();
        }
        boolean fault = Signals.hasFaultAddress(sig, si.code());
        SignalInfo info = new SignalInfo(sig, si.code(), fault ? Optional.of(Address.of(si.addr())) : Optional.empty(),
                si.code() <= 0 && si.pid() > 0 ? Optional.of(new Pid(si.pid())) : Optional.empty());
        return Optional.of(new TraceEvent.Stopped(tid, new StopReason.SignalReceived(info, Address.of(pc(tid)))));
    }

    private Optional<TraceEvent.Stopped> onBreakpoint(Task t, long address) {
        breakpointThread = t.tid;
        BreakpointSites.Hit hit = sites.hit(this, t.tid, address);
        if (hit.userBreakpoint().isPresent()) {
            Optional<StopReason> stop = Optional.empty();
            for (BreakpointSites.UserBreakpoint b : hit.users()) {
                Optional<StopReason> r = filter.breakpointHit(t.tid, b);
                if (stop.isEmpty()) stop = r;
            }
            if (stop.isPresent()) {
                flushRegisters(t);
                steppingTid = 0;
                stepPlan = null;
                return Optional.of(new TraceEvent.Stopped(t.tid, stop.get()));
            }
            if (t.tid == steppingTid && hit.stepTarget()) {
                flushRegisters(t);
                return onStepped(t);
            }
            resumeIfRunning(t);             // a false condition or a logpoint: on at once, the others never stopped
            return Optional.empty();
        }
        flushRegisters(t);
        if (t.tid == steppingTid && hit.stepTarget()) return onStepped(t);
        if (hit.internal() && running && !stopping) {
            // The rendezvous: hold the thread there until the session has told its listeners,
            // so that a ChangeSymbolState callback runs before dlopen returns (releaseHeld()).
            held.add(t);
            return Optional.empty();
        }
        resumeIfRunning(t);                 // another thread's step target
        return Optional.empty();
    }

    private Optional<TraceEvent.Stopped> onStepped(Task t) {
        StepPlan plan = stepPlan;
        if (plan != null && !plan.stepped(this, t.tid)) return Optional.empty();
        steppingTid = 0;
        stepPlan = null;
        sites.clearStepTargets(this, t.tid);
        return Optional.of(new TraceEvent.Stopped(t.tid, new StopReason.StepCompleted(Address.of(pc(t.tid)))));
    }

    private void resumeIfRunning(Task t) {
        if (!running || stopping) return;
        if (steppingTid != 0 && t.tid != steppingTid) return;   // others stay stopped while one thread steps
        stepOverBreakpoint(t);
        if (t.stopped && !exit.isPresent()) continueTask(t);
    }

    // ---- breakpoints -----------------------------------------------------------------------

    /** Adds a user breakpoint at an absolute address; the byte is written at once (all threads are stopped). */
    public int addBreakpoint(long address, String spec) {
        checkThread();
        return sites.addUser(this, anyStopped(), address, spec);
    }

    public void setBreakpointEnabled(int id, boolean enabled) {
        checkThread();
        sites.setEnabled(this, anyStopped(), id, enabled);
    }

    public void removeBreakpoint(int id) {
        checkThread();
        sites.removeUser(this, anyStopped(), id);
    }

    public List<BreakpointSites.UserBreakpoint> breakpoints() { return sites.userBreakpoints(); }

    /** Arms a data watchpoint in every thread (threads created later get it too); returns its debug register slot (0-3). */
    public int addWatchpoint(long address, int length, boolean readWrite) {
        checkThread();
        int slot = debugRegisters.reserve(address, length, readWrite);
        try {
            applyDebugRegisters();
        } catch (RuntimeException e) {
            debugRegisters.release(slot);
            applyDebugRegisters();
            throw e;
        }
        return slot;
    }

    public void removeWatchpoint(int slot) {
        checkThread();
        debugRegisters.release(slot);
        applyDebugRegisters();
    }

    private void applyDebugRegisters() {
        for (Task t : tasks.values()) if (t.stopped && !t.gone) debugRegisters.apply(t.tid);
    }

    private int breakpointThread;

    /** The thread whose breakpoint hit is being handled: an internal breakpoint's action reads its registers. */
    public int breakpointThread() { return breakpointThread; }

    /** An internal breakpoint (never reported as a stop): {@code action} runs on the engine thread at each hit. */
    public void addInternalBreakpoint(long address, Runnable action) {
        checkThread();
        sites.addInternal(this, anyStopped(), address, action);
    }

    int anyStopped() {
        return tasks.values().stream().filter(t -> t.stopped && !t.gone).mapToInt(t -> t.tid).findFirst()
                .orElseThrow(() -> new TargetException("process " + pid + " has no stopped thread: break first"));
    }

    // ---- detach / kill -----------------------------------------------------------------------

    /** Removes every breakpoint (each changed byte goes back) and lets every thread run on. */
    public void detach() {
        checkThread();
        if (exit.isPresent()) return;
        if (running) stopAll();
        if (exit.isPresent()) return;
        sites.removeAll(this, anyStopped());
        held.clear();
        for (TraceEvent.Stopped s : deferred) {
            Task t = tasks.get(s.tid());
            if (t != null && s.reason() instanceof StopReason.SignalReceived sr) t.pendingSignal = sr.signal().number();
        }
        deferred.clear();
        for (Task t : tasks.values()) {
            if (t.gone) continue;
            try {
                Ptrace.detach(t.tid, takeSignal(t));
            } catch (NativeCallException e) {
                if (e.code() != Ptrace.ESRCH) throw e;
            }
        }
        tasks.clear();
        running = false;
    }

    /** SIGKILL, then waits for the exit status. */
    public void kill() {
        checkThread();
        if (exit.isPresent()) return;
        try {
            Ptrace.kill(pid, Ptrace.SIGKILL);
        } catch (NativeCallException e) {
            if (e.code() != Ptrace.ESRCH) throw e;
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!exit.isPresent() && System.nanoTime() < deadline) {
            Optional<Ptrace.WaitStatus> ws = Ptrace.waitFor(-1, true);
            if (ws.isEmpty()) break;
            stopping = true;
            try { handle(ws.get()); } finally { stopping = false; }
        }
        if (!exit.isPresent()) {
            exit = Optional.of(ExitStatus.killed(Ptrace.SIGKILL));
            events.add(new TraceEvent.Exited(exit.get()));
        }
    }

    /** Detaches if the process still runs (never kills an attached process; launched ones die by EXITKILL anyway). */
    @Override public void close() {
        try {
            if (!exit.isPresent() && !tasks.isEmpty() && Thread.currentThread() == owner) {
                if (launched) kill(); else detach();
            }
        } finally {
            memory.close();
        }
    }

    @Override public String toString() { return "Tracer[pid " + pid + ", " + tasks.size() + " threads]"; }
}
