package dev.sextant.app.cli;

import dev.sextant.engine.api.Command.SummarizeDump;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpSummary;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.format.io.FormatException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sextant dump FILE [--json]}: crash summary, threads with stacks, modules and secondary data of a minidump or ELF core. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print a crash dump (minidump or ELF core): crash summary, threads with stacks, modules, secondary data.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "1:printed, but parts of the dump were unreadable or missing", "2:the dump could not be read"})
public final class DumpCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "minidump (.dmp) or ELF core file") Path file;

    @Option(names = "--json", description = "print JSON instead of text") boolean json;

    @Option(names = "--data", description = "also print each secondary data item, decoded (text mode)") boolean data;

    @Option(names = "--sysroot", paramLabel = "DIR", description = "look for the dump's module files under this directory")
    Path sysroot;

    @Option(names = "--symbols", paramLabel = "PATH",
            description = "Breakpad symbol stores for a minidump: ';'-separated directories (NAME/ID/NAME.sym) and http(s) URLs of the same layout")
    String symbols;

    @Spec CommandSpec spec;

    @Override public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        DumpSummary overview;
        try {
            // A minidump's symbol loads from the stores say how a download goes and how each ended (stderr, as `symbols` does);
            // a store's failure is also a diagnostic, printed at the end: not twice.
            DebugListener loads = e -> {
                if (e instanceof DebugEvent.SymbolLoadLogged l && !l.debugInfo() && l.severity() != Severity.WARNING) {
                    err.println(l.module().map(m -> m.substring(m.lastIndexOf('/') + 1) + ": ").orElse("") + l.text());
                    err.flush();
                }
            };
            overview = OneShot.run(new SummarizeDump(file, Optional.ofNullable(sysroot), data && !json, symbols == null ? "" : symbols),
                    symbols == null ? null : loads);
        } catch (TargetException | FormatException e) {
            err.println("sextant: " + e.getMessage());
            err.flush();
            return 2;
        }
        String out = json ? DumpText.json(overview) : DumpText.text(overview, data);
        byte[] b = out.getBytes(StandardCharsets.UTF_8);
        System.out.write(b, 0, b.length);
        System.out.flush();
        for (Diagnostic d : overview.report().diagnostics()) {
            if (d.severity() != Severity.INFO) err.println("sextant: " + d.message());
        }
        err.flush();
        return ExitStatus.of(overview.report().diagnostics());
    }
}
