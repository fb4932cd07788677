package dev.sextant.app.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Where a command writes its errors: picocli's error writer when picocli runs the command, standard
 * error (UTF-8) when the fast path ({@link PlainArgs}) does. A mixin rather than a {@code CommandSpec}
 * field in each command: reflecting over a command's fields loads their types, and picocli's classes
 * cost a fast-path run 10-35 ms (its Java 5 class files stay out of the start-up archive). Here the
 * spec comes through a method and is kept as an {@code Object}, so the fast path loads no picocli class.
 */
@Command   // what picocli asks of a mixin without options; it adds nothing to the help
final class ErrorOut {
    private Object spec;

    @Spec(Spec.Target.MIXEE) void spec(CommandSpec spec) { this.spec = spec; }

    /** picocli's command line, for a {@code ParameterException}: only when picocli runs the command. */
    CommandLine commandLine() {
        return ((CommandSpec) spec).commandLine();
    }

    PrintWriter writer() {
        return spec != null ? commandLine().getErr()
                : new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    }
}
