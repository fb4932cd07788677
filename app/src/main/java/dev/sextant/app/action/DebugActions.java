package dev.sextant.app.action;

import dev.sextant.app.view.status.StatusBar;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.TargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

/**
 * The live-target actions (launch, attach, continue, break, steps, breakpoints, detach, kill): each
 * submits an engine command and reports failure in plain words. Also a model of the bridge: when a
 * stop arrives it asks the engine for the stopped threads' stacks and registers, which come back
 * as events. Never waits on the FX thread.
 */
public final class DebugActions {
    private final Engine engine;
    private final StatusBar status;
    private final Consumer<String> notify;
    private final ReadOnlyBooleanWrapper live = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);

    public DebugActions(Engine engine, StatusBar status, Consumer<String> notify, Consumer<DebugEvent> bridge) {
        this.engine = engine;
        this.status = status;
        this.notify = notify;
        // ChangeSymbolState notifications reach the views through the same bridge as every event.
        engine.addEngineListener(new EngineListener() {
            @Override public void changeSymbolState(int flags, long argument) {
                bridge.accept(new DebugEvent.SymbolStateChanged(0, flags, argument));
            }
        });
    }

    /** True while a live process is the target; true while it runs. */
    public ReadOnlyBooleanProperty live() { return live.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty running() { return running.getReadOnlyProperty(); }

    /** Bridge model: follows the target's state and fetches stacks at each stop. */
    public void apply(List<DebugEvent> batch) {
        boolean stopped = false;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                live.set(o.format().equals("live process"));
                running.set(false);
            } else if (e instanceof DebugEvent.ProcessResumed) {
                running.set(true);
                stopped = false;
                status.idle("Running");
            } else if (e instanceof DebugEvent.ProcessStopped s) {
                running.set(false);
                stopped = !(s.reason() instanceof StopReason.ProcessExit);
                status.idle(describe(s));
            } else if (e instanceof DebugEvent.ProcessExited x) {
                live.set(false);
                running.set(false);
                stopped = false;
                status.idle("The process ended: " + x.status().describe());
            } else if (e instanceof DebugEvent.TargetClosed) {
                live.set(false);
                running.set(false);
            }
        }
        // A stop that is over by the time the engine gets to it (a breakpoint set while running) is not an error.
        if (stopped) engine.submit(new Command.ReadStacks(new Cancellation()));
    }

    private static String describe(DebugEvent.ProcessStopped s) {
        StopReason r = s.reason();
        if (r instanceof StopReason.BreakpointHit b) return "Thread " + s.tid() + " hit breakpoint " + b.breakpointId() + " at " + b.pc() + " (hit " + b.hitCount() + ")";
        if (r instanceof StopReason.StepCompleted c) return "Thread " + s.tid() + " stepped to " + c.pc();
        if (r instanceof StopReason.SignalReceived g) return "Thread " + s.tid() + " received " + g.signal().describe();
        if (r instanceof StopReason.Interrupted i) return "Stopped (break) at " + i.pc();
        if (r instanceof StopReason.Attached a) return "Stopped under the debugger at " + a.pc() + " — F5 continues";
        if (r instanceof StopReason.ThreadExit t) return "Thread " + t.tid() + " exited: " + t.status().describe();
        if (r instanceof StopReason.ProcessExit x) return "The process ended: " + x.status().describe();
        return "Stopped";
    }

    public CompletableFuture<ProcessInfo> launch(Path program, List<String> args) {
        status.busy("Launching " + program.getFileName() + "…", () -> { });
        Path output = program.resolveSibling(program.getFileName() + ".output.txt");
        return submit(new Command.Launch(program, args, Optional.ofNullable(program.getParent()), Map.of(), output),
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
    public void detach() { submit(new Command.Detach(), r -> status.idle("Detached: the process runs on")); }
    public void kill() { submit(new Command.Kill(), r -> { }); }

    /** Sets a breakpoint; a running process is stopped for the moment it takes and then runs on. */
    public CompletableFuture<Breakpoint> breakpoint(String location) {
        boolean wasRunning = running.get();
        if (wasRunning) engine.submit(new Command.Break());
        // The bridge may apply the stop at this breakpoint before this callback runs (its drain can be
        // queued on the FX thread earlier, by other events): then the hit's message stays.
        CompletableFuture<Breakpoint> f = submit(new Command.SetBreakpoint(location), b -> {
            if (!status.text().contains("hit breakpoint " + b.id() + " ")) status.idle("Breakpoint " + b.id() + " at " + b.address() + " (" + location + ")");
        });
        if (wasRunning) engine.submit(new Command.Continue());
        return f;
    }

    private <R> CompletableFuture<R> submit(Command<R> c, Consumer<R> onSuccess) {
        CompletableFuture<R> f = engine.submit(c);
        f.whenComplete((r, e) -> Platform.runLater(() -> {
            if (e == null) { onSuccess.accept(r); return; }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            status.idle("Failed: " + c.getClass().getSimpleName());
            notify.accept(cause instanceof TargetException || cause instanceof dev.sextant.engine.api.NativeCallException
                    ? cause.getMessage() : String.valueOf(cause));
        }));
        return f;
    }
}
