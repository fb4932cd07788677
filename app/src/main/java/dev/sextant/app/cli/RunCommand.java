package dev.sextant.app.cli;

import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.format.json.JsonOut;
import picocli.CommandLine;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.ExitStatus;
import dev.sextant.engine.api.Signals;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.session.EngineThread;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sextant run [--break 'LOCATION [if EXPR]']… [--log 'LOCATION, MESSAGE']… [--watch EXPR]…
 * [--print EXPR]… [--max-stops N] [--json] -- PROGRAM [ARGS…]}: runs a program under the debugger;
 * at every stop prints the reason, thread, frame and each {@code --print} value, then continues.
 * Conditions and logpoints are decided in the engine at the hit, without a stop being reported.
 */
@CommandLine.Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a program under the debugger with (conditional) breakpoints, logpoints and data watchpoints; print every stop.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"N:the program's exit status (128+signal when a signal ended it)", "0:after --max-stops stops (the program is killed)",
                "125:the program could not be started, or bad arguments"})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--break", paramLabel = "'LOCATION [if EXPR]'", description = "function, file:line or 0xADDRESS, optionally with a condition")
    List<String> breaks = new ArrayList<>();

    @Option(names = "--log", paramLabel = "'LOCATION, MESSAGE'", description = "a logpoint: prints MESSAGE ({expr} replaced by its value) and never stops, as gdb's dprintf")
    List<String> logs = new ArrayList<>();

    @Option(names = "--watch", paramLabel = "EXPR", description = "a data watchpoint (writes) on an lvalue: a global, set when main is reached")
    List<String> watches = new ArrayList<>();

    @Option(names = "--print", paramLabel = "EXPR", description = "an expression printed at every stop (in the stopped thread's innermost frame)")
    List<String> prints = new ArrayList<>();

    @Option(names = "--max-stops", paramLabel = "N", description = "kill the program after N stops and exit 0")
    Integer maxStops;

    @Option(names = "--json", description = "one JSON object per line; the program's own output goes to stderr")
    boolean json;

    @Parameters(index = "0", paramLabel = "PROGRAM")
    Path program;

    @Parameters(index = "1..*", paramLabel = "ARGS")
    List<String> arguments = new ArrayList<>();

    private PrintWriter out;
    private PrintWriter err;
    private final BlockingQueue<DebugEvent> events = new LinkedBlockingQueue<>();

    @Override public Integer call() {
        out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        if (maxStops != null && maxStops < 1) { err.println("sextant run: --max-stops must be 1 or more"); return 125; }
        if (!Files.isRegularFile(program) && !program.toString().contains("/")) {
            program = findOnPath(program.toString()).orElse(program);
        }
        try (EngineThread engine = new EngineThread()) {
            engine.addListener(events::add);
            // The program writes where this process writes (stderr under --json, so that stdout is only JSON).
            Path output = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + (json ? 2 : 1));
            engine.submit(new Command.Launch(program.toAbsolutePath(), arguments, Optional.empty(), System.getenv(), output)).get();
            for (String b : breaks) engine.submit(new Command.SetBreakpoint(b)).get();
            for (String l : logs) {
                int comma = l.indexOf(',');
                if (comma < 0) throw new IllegalArgumentException("--log '" + l + "': write 'LOCATION, MESSAGE'");
                Breakpoint bp = engine.submit(new Command.SetBreakpoint(l.substring(0, comma).strip())).get();
                engine.submit(new Command.ConfigureBreakpoint(bp.id(), Optional.empty(), OptionalLong.empty(),
                        Optional.of(l.substring(comma + 1).strip()))).get();
            }
            if (!watches.isEmpty()) {
                // Globals are named by the executable's DWARF once its code runs: watch from main.
                engine.submit(new Command.RunTo("main")).get();
                DebugEvent first = nextStopOrExit();
                if (first instanceof DebugEvent.ProcessExited x) return exited(x.status());
                for (String w : watches) engine.submit(new Command.SetWatchpoint(w, false)).get();
            }
            return loop(engine);
        } catch (ExecutionException e) {
            err.println("sextant run: " + e.getCause().getMessage());
            return 125;
        } catch (IllegalArgumentException e) {
            err.println("sextant run: " + e.getMessage());
            return 125;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 125;
        }
    }

    private int loop(EngineThread engine) throws InterruptedException, ExecutionException {
        int stops = 0;
        engine.submit(new Command.Continue()).get();
        while (true) {
            DebugEvent e = nextStopOrExit();
            if (e instanceof DebugEvent.ProcessExited x) {
                int status = exited(x.status());
                return maxStops != null && stops >= maxStops ? 0 : status;
            }
            DebugEvent.ProcessStopped s = (DebugEvent.ProcessStopped) e;
            stops++;
            report(engine, s);
            if (maxStops != null && stops >= maxStops) {
                engine.submit(new Command.Kill()).get();
                continue;               // the exit event follows
            }
            engine.submit(new Command.Continue()).get();
        }
    }

    /** The next stop the user sees, or the exit; logpoint lines are printed on the way. */
    private DebugEvent nextStopOrExit() throws InterruptedException {
        while (true) {
            DebugEvent e = events.take();
            if (e instanceof DebugEvent.LogpointPrinted l) printLog(l);
            if (e instanceof DebugEvent.ProcessExited) return e;
            if (e instanceof DebugEvent.ProcessStopped s && !(s.reason() instanceof StopReason.ProcessExit)
                    && !(s.reason() instanceof StopReason.Attached) && !(s.reason() instanceof StopReason.ThreadExit)) return e;
        }
    }

    private void printLog(DebugEvent.LogpointPrinted l) {
        if (!json) { out.println(l.message()); return; }
        out.println(new JsonOut().beginObject().name("reason").value("log").name("breakpoint").value(l.breakpointId())
                .name("tid").value(l.tid().value()).name("message").value(l.message()).endObject().text());
    }

    private int exited(ExitStatus status) {
        boolean signal = status.signal().isPresent();
        if (json) {
            JsonOut j = new JsonOut().beginObject().name("reason").value(signal ? "killed" : "exit");
            j.name("code").value(status.exitCode().isPresent() ? Integer.toString(status.exitCode().getAsInt()) : null);
            j.name("signal").value(signal ? Signals.name(status.signal().getAsInt()) : null).endObject();
            out.println(j.text());
        } else {
            out.println(signal ? "killed by " + Signals.name(status.signal().getAsInt()) : "exited with status " + status.exitCode().getAsInt());
        }
        return signal ? 128 + status.signal().getAsInt() : status.exitCode().orElse(0);
    }

    private void report(EngineThread engine, DebugEvent.ProcessStopped s) throws InterruptedException, ExecutionException {
        Tid tid = s.tid();
        Optional<StackFrame> frame = Optional.empty();
        DumpReport stacks = engine.submit(new Command.ReadStacks(new Cancellation())).get();
        for (var st : stacks.stacks()) {
            if (st.tid().equals(tid) && !st.frames().isEmpty()) frame = Optional.of(st.frames().get(0));
        }
        List<Map.Entry<String, String>> values = new ArrayList<>();
        for (String p : prints) {
            Variable v = engine.submit(new Command.Evaluate(Optional.of(tid), OptionalInt.of(0), p)).get();
            values.add(Map.entry(p, v.value()));
        }
        StopLine line = StopLine.of(s.reason(), tid, frame, values);
        out.println(json ? line.json() : line.text());
    }

    private static Optional<Path> findOnPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
