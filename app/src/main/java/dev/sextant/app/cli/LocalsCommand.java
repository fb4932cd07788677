package dev.sextant.app.cli;

import dev.sextant.engine.api.Command.ReadVariables;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.session.EngineThread;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sextant locals}: the arguments and locals of every frame (or one) of every thread (or one). */
@Command(name = "locals", mixinStandardHelpOptions = true,
        description = "Print the arguments and local variables of every frame of every thread of a core file or a running process, and exit.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "1:printed, but some frames could not be read", "2:the core or process could not be read"})
public final class LocalsCommand implements Callable<Integer> {
    @Mixin StateSource source = new StateSource();

    @Option(names = "--thread", paramLabel = "TID", description = "only this thread")
    Integer thread;

    @Option(names = "--frame", paramLabel = "N", description = "only frame N (0 is the innermost; inlined calls count)")
    Integer frame;

    @Option(names = "--elements", paramLabel = "N", defaultValue = "8", description = "array elements shown (default: ${DEFAULT-VALUE})")
    int elements = 8;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Mixin ErrorOut errorOut = new ErrorOut();

    /** The arguments bound by {@link PlainArgs} when they are plain and name exactly one source; else empty (picocli explains). */
    public static Optional<LocalsCommand> plain(String[] args) {
        return PlainArgs.bind(new LocalsCommand(), args).filter(c -> c.source.plain());
    }

    @Override public Integer call() {
        PrintWriter err = errorOut.writer();
        if (elements < 0) {
            err.println("sextant: --elements must be 0 or more");
            return 2;
        }
        List<LocalsReport.ThreadVariables> out = new ArrayList<>();
        boolean errors = false;
        long t0 = System.nanoTime(), t1 = t0, t2;
        try (EngineThread engine = new EngineThread()) {
            DumpReport report;
            try {
                report = source.open(engine);
                t1 = System.nanoTime();
            } catch (ExecutionException e) {
                err.println("sextant: " + message(e));
                return 2;
            }
            // a damaged core (cut short, damaged notes) is said as stack says it, and makes the status 1
            for (Diagnostic d : report.diagnostics()) if (d.severity() == Severity.ERROR) err.println("sextant: " + d.message());
            errors = ExitStatus.of(report.diagnostics()) == ExitStatus.PARTIAL;
            try {
                if (thread != null && report.stackOf(new Tid(thread)).isEmpty()) {
                    err.println("sextant: no thread " + thread + " in this target; threads: "
                            + report.stacks().stream().map(s -> s.tid().toString()).toList());
                    return 2;
                }
                for (ThreadStack st : report.stacks()) {
                    if (thread != null && st.tid().value() != thread) continue;
                    List<LocalsReport.FrameVariables> frames = new ArrayList<>();
                    for (StackFrame f : st.frames()) {
                        if (frame != null && f.index() != frame) continue;
                        try {
                            List<Variable> vars = engine.submit(new ReadVariables(Optional.of(st.tid()), OptionalInt.of(f.index()), elements)).get();
                            frames.add(new LocalsReport.FrameVariables(f, vars, Optional.empty()));
                        } catch (ExecutionException e) {
                            errors = true;
                            frames.add(new LocalsReport.FrameVariables(f, List.of(), Optional.of(message(e))));
                        }
                    }
                    if (frame != null && frames.isEmpty()) {
                        err.println("sextant: thread " + st.tid() + " has no frame " + frame + " (it has " + st.frames().size() + ")");
                        errors = true;
                    }
                    out.add(new LocalsReport.ThreadVariables(st.tid(), frames));
                }
            } finally {
                source.release(engine);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
        t2 = System.nanoTime();
        byte[] bytes = (json ? LocalsReport.json(out) : LocalsReport.text(out)).getBytes(StandardCharsets.UTF_8);
        System.out.write(bytes, 0, bytes.length);
        System.out.flush();
        if ("1".equals(System.getenv("SEXTANT_TIMING"))) {
            long t3 = System.nanoTime();
            // The JVM's own start time (ms); the process start time /proc gives is only second-accurate.
            long jvm = System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()
                    - (t3 - t0) / 1_000_000;
            err.printf("timing: JVM start to command %d ms, open + unwind (JNA + libdw load included) %d ms, variables %d ms, output %d ms%n",
                    jvm, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        }
        return errors ? 1 : 0;
    }

    static String message(ExecutionException e) {
        Throwable cause = e.getCause();
        return cause instanceof TargetException || cause instanceof IllegalArgumentException ? cause.getMessage() : String.valueOf(cause);
    }
}
