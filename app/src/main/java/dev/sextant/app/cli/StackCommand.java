package dev.sextant.app.cli;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command.StackProcess;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.session.EngineThread;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sextant stack --core FILE}: every thread's backtrace, as text or JSON; exits without starting JavaFX. */
@Command(name = "stack", mixinStandardHelpOptions = true, resourceBundle = "dev.sextant.app.cli.StackCommand",
        description = "Print every thread's backtrace of a core file, or of a running process (attach, read, detach), and exit.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:all stacks printed", "1:printed, but with errors (e.g. executable not found)",
                "2:the core or process could not be read"})
public final class StackCommand implements Callable<Integer> {
    /** The target, named as {@code locals} and {@code eval} name it; {@code --pid}'s help is this command's own (StackCommand.properties). */
    @Mixin StateSource source = new StateSource();

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Option(names = "--group", description = "print each distinct stack once, largest group first, with its thread count and ids")
    boolean group;

    @Option(names = "--by-function", description = "with --group: the same functions make the same stack, offsets ignored")
    boolean byFunction;

    @Mixin ErrorOut errorOut = new ErrorOut();

    /** The arguments bound by {@link PlainArgs} when they are plain and name exactly one source; else empty (picocli explains). */
    public static Optional<StackCommand> plain(String[] args) {
        return PlainArgs.bind(new StackCommand(), args).filter(c -> c.source.plain());
    }

    @Override public Integer call() {
        PrintWriter err = errorOut.writer();
        boolean timing = "1".equals(System.getenv("SEXTANT_TIMING"));
        long t0 = System.nanoTime();
        if (timing) OneShot.await(EngineThread.preloadNatives());   // load JNA + libdw now, to time it apart
        long t1 = System.nanoTime();
        DumpReport report;
        try (EngineThread engine = new EngineThread()) {
            report = source.target.pid != null
                    ? engine.submit(new StackProcess(new Pid(source.target.pid), new Cancellation())).get()
                    : engine.submit(source.openCore()).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            err.println("sextant: " + (cause instanceof TargetException ? cause.getMessage() : String.valueOf(cause)));
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
        long t2 = System.nanoTime();
        boolean grouped = group || byFunction;
        String text = grouped ? (json ? StackGroups.json(report, byFunction) : StackGroups.text(report, byFunction))
                : json ? StackReport.json(report) : StackReport.text(report);
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        System.out.write(out, 0, out.length);
        System.out.flush();
        if (timing) {
            long t3 = System.nanoTime();
            // The JVM's own start time (ms); the process start time /proc gives is only second-accurate.
            long jvm = System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()
                    - (t3 - t0) / 1_000_000;
            err.printf("timing: JVM start to command %d ms, JNA + libdw load %d ms, read + unwind + symbols %d ms, output %d ms%n",
                    jvm, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        }
        for (Diagnostic d : report.diagnostics()) {
            if (d.severity() == Severity.ERROR) err.println("sextant: " + d.message());
        }
        err.flush();
        return ExitStatus.of(report.diagnostics());
    }
}
