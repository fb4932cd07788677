package dev.sextant.app.action;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.status.StatusBar;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.TargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

/**
 * The live-target actions (launch, attach, continue, break, steps, breakpoints, detach, kill): each
 * submits an engine command and reports failure in plain words. Also a model of the bridge: it
 * follows the target's state for the menus and the status bar (the engine itself reads the stacks at
 * each stop: {@link Command.SetStopPolicy}). Never waits on the FX thread.
 */
public final class DebugActions {
    private final Engine engine;
    private final StatusBar status;
    private final Consumer<String> notify;
    private final ReadOnlyBooleanWrapper live = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    /** Extra environment for a launched program (live binding's LD_AUDIT), asked for each launch. */
    private Function<Path, CompletableFuture<Map<String, String>>> launchEnvironment = program -> CompletableFuture.completedFuture(Map.of());
    private long stopsSeen;          // stops other than a break: what a late "breakpoint set" message must not hide

    public DebugActions(Engine engine, StatusBar status, Consumer<String> notify) {
        this.engine = engine;
        this.status = status;
        this.notify = notify;
        // The views show the stopped threads' stacks and registers: the engine reads them at each stop.
        engine.submit(new Command.SetStopPolicy(true));
    }

    /** True while a live process is the target; true while it runs. */
    public ReadOnlyBooleanProperty live() { return live.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty running() { return running.getReadOnlyProperty(); }

    /** Bridge model: follows the target's state and fetches stacks at each stop. */
    public void apply(List<DebugEvent> batch) {
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                live.set(o.format().equals("live process"));
                running.set(false);
            } else if (e instanceof DebugEvent.ProcessResumed) {
                running.set(true);
                status.idle("Running");
            } else if (e instanceof DebugEvent.ProcessStopped s) {
                running.set(false);
                if (!(s.reason() instanceof StopReason.Interrupted)) stopsSeen++;
                status.idle(describe(s));
            } else if (e instanceof DebugEvent.ProcessExited x) {
                live.set(false);
                running.set(false);
                status.idle("The process ended: " + x.status().describe());
            } else if (e instanceof DebugEvent.TargetClosed) {
                live.set(false);
                running.set(false);
            }
        }
    }

    private static String describe(DebugEvent.ProcessStopped s) {
        StopReason r = s.reason();
        if (r instanceof StopReason.BreakpointHit b) return "Thread " + s.tid() + " hit breakpoint " + b.breakpointId() + " at " + b.pc() + " (hit " + b.hitCount() + ")";
        if (r instanceof StopReason.ConditionFailed f) return "Thread " + s.tid() + " stopped at breakpoint " + f.breakpointId() + ": " + f.error();
        if (r instanceof StopReason.StepCompleted c) return "Thread " + s.tid() + " stepped to " + c.pc();
        if (r instanceof StopReason.SignalReceived g) return "Thread " + s.tid() + " received " + g.signal().describe();
        if (r instanceof StopReason.Interrupted i) return "Stopped (break) at " + i.pc();
        if (r instanceof StopReason.Attached a) return "Stopped under the debugger at " + a.pc() + " — F5 continues";
        if (r instanceof StopReason.ThreadExit t) return "Thread " + t.tid() + " exited: " + t.status().describe();
        if (r instanceof StopReason.ProcessExit x) return "The process ended: " + x.status().describe();
        return "Stopped";
    }

    /** Sets what a launch adds to the program's environment (e.g. {@link BindAction#observeLaunch}). */
    public void setLaunchEnvironment(Function<Path, CompletableFuture<Map<String, String>>> environment) {
        this.launchEnvironment = environment;
    }

    public CompletableFuture<ProcessInfo> launch(Path program, List<String> args) {
        status.busy("Launching " + program.getFileName() + "…", () -> { });
        Path output = program.resolveSibling(program.getFileName() + ".output.txt");
        CompletableFuture<ProcessInfo> f = launchEnvironment.apply(program).thenCompose(env ->
                engine.submit(new Command.Launch(program, args, Optional.ofNullable(program.getParent()), env, output)));
        return whenDone(new Command.Launch(program, args, Optional.empty(), Map.of(), output), f,
                p -> status.idle("Launched " + program.getFileName() + ", pid " + p.pid()));
    }

    public CompletableFuture<ProcessInfo> attach(int pid) {
        return submit(new Command.Attach(new Pid(pid)), p -> status.idle("Attached to " + p.pid() + " " + p.command()));
    }

    public void cont() { submit(new Command.Continue(), r -> { }); }
    public void pause() { submit(new Command.Break(), r -> { }); }
    public void stepOver() { submit(new Command.StepOver(Optional.empty()), r -> { }); }
    public void stepInto() { submit(new Command.StepInto(Optional.empty()), r -> { }); }
    public void stepOut() { submit(new Command.StepOut(Optional.empty()), r -> { }); }
    /** One instruction, into calls (stepi). */
    public void stepInstruction() { submit(new Command.StepInstruction(Optional.empty()), r -> { }); }
    /** One instruction, a call run through to its return (nexti). */
    public void stepOverInstruction() { submit(new Command.StepOverInstruction(Optional.empty()), r -> { }); }

    /** Run to cursor: {@code location} is {@code file:line} or an address ({@code 0x401136}). */
    public void runTo(String location) {
        submit(new Command.RunTo(location), r -> status.idle("Running to " + location));
    }

    /** Set next statement: the current thread's pc moves to {@code location} (the caller asked the user first). */
    public CompletableFuture<dev.sextant.engine.api.Address> setNextStatement(String location) {
        return submit(new Command.SetProgramCounter(Optional.empty(), location), a -> status.idle("Next statement: " + a + " (" + location + ")"));
    }

    /** Sets a breakpoint's condition, stop-after-hits and log message (each empty clears it). */
    public CompletableFuture<Breakpoint> configureBreakpoint(int id, Optional<String> condition, java.util.OptionalLong stopAfterHits,
                                                         Optional<String> logMessage) {
        return submit(new Command.ConfigureBreakpoint(id, condition, stopAfterHits, logMessage), b -> status.idle("Breakpoint " + id + " changed"));
    }

    public void detach() { submit(new Command.Detach(), r -> status.idle("Detached: the process runs on")); }
    public void kill() { submit(new Command.Kill(), r -> { }); }

    /** Sets a breakpoint; a running process is stopped for the moment it takes and then runs on. */
    public CompletableFuture<Breakpoint> breakpoint(String location) {
        return whileStopped(new Command.SetBreakpoint(location),
                b -> status.idle("Breakpoint " + b.id() + " at " + b.address() + " (" + location + ")"));
    }

    /** Enables or disables breakpoint {@code id} (a running process is stopped for the moment it takes). */
    public CompletableFuture<Breakpoint> enableBreakpoint(int id, boolean enabled) {
        return whileStopped(new Command.EnableBreakpoint(id, enabled),
                b -> status.idle("Breakpoint " + id + (enabled ? " enabled" : " disabled")));
    }

    /** Removes breakpoint {@code id}; its byte goes back into the program. */
    public CompletableFuture<Boolean> removeBreakpoint(int id) {
        return whileStopped(new Command.RemoveBreakpoint(id), r -> status.idle("Breakpoint " + id + " removed"));
    }

    private <R> CompletableFuture<R> whileStopped(Command<R> c, Consumer<R> onSuccess) {
        // Run on, the target may hit the breakpoint before this answer reaches the FX thread: keep the hit's message.
        long stops = stopsSeen;
        return whenDone(c, engine.submit(new Command.WhileStopped<>(c)), r -> { if (stopsSeen == stops) onSuccess.accept(r); });
    }

    private <R> CompletableFuture<R> submit(Command<R> c, Consumer<R> onSuccess) {
        return whenDone(c, engine.submit(c), onSuccess);
    }

    private <R> CompletableFuture<R> whenDone(Command<?> c, CompletableFuture<R> f, Consumer<R> onSuccess) {
        return FxThread.whenDone(f, onSuccess, cause -> {
            status.idle("Failed: " + c.getClass().getSimpleName());
            notify.accept(cause instanceof TargetException || cause instanceof NativeCallException ? cause.getMessage() : String.valueOf(cause));
        });
    }
}
