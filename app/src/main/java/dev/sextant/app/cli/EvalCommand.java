package dev.sextant.app.cli;

import dev.sextant.engine.api.Command.Evaluate;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.format.json.JsonOut;
import dev.sextant.engine.session.EngineThread;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sextant eval EXPR}: one C expression's value in a frame, as gdb's {@code print} shows it. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Print the value of a C expression in a frame of a core file or a running process, and exit.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "1:the expression has an error (printed)", "2:the core or process could not be read"})
public final class EvalCommand implements Callable<Integer> {
    @Mixin StateSource source = new StateSource();

    @Option(names = "--thread", paramLabel = "TID", description = "the thread (default: the crashed or stopped one)")
    Integer thread;

    @Option(names = "--frame", paramLabel = "N", description = "the frame (default 0, the innermost)")
    Integer frame;

    @Option(names = "--json", description = "print the value as JSON (as one variable of `locals --json`)")
    boolean json;

    @Parameters(arity = "1", paramLabel = "EXPR", description = "a C expression: p->next->name, a[i] + 1, *(int *) 0x601040, ...")
    String expression;

    @Mixin ErrorOut errorOut = new ErrorOut();

    /** The arguments bound by {@link PlainArgs} when they are plain, name one source and an expression; else empty (picocli explains). */
    public static Optional<EvalCommand> plain(String[] args) {
        return PlainArgs.bind(new EvalCommand(), args).filter(c -> c.expression != null && c.source.plain());
    }

    @Override public Integer call() {
        PrintWriter err = errorOut.writer();
        Variable v;
        List<Diagnostic> damage;
        try (EngineThread engine = new EngineThread()) {
            try {
                damage = source.open(engine).diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).toList();
                v = engine.submit(new Evaluate(Optional.ofNullable(thread).map(Tid::new),
                        frame == null ? OptionalInt.empty() : OptionalInt.of(frame), expression)).get();
            } catch (ExecutionException e) {
                err.println("sextant: " + LocalsCommand.message(e));
                return 2;
            } finally {
                source.release(engine);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
        if (json) {
            JsonOut j = new JsonOut();
            LocalsReport.variable(j, v);
            System.out.println(j.text());
        } else if (v.error().isEmpty()) {
            System.out.println(v.value());
        }
        damage.forEach(d -> err.println("sextant: " + d.message()));    // a damaged core, as stack says it
        if (v.error().isPresent()) {
            err.println("sextant: " + v.error().get());
            return ExitStatus.PARTIAL;
        }
        return ExitStatus.of(damage);
    }
}
