package dev.sextant.app.cli;

import dev.sextant.engine.api.AddressRange;
import dev.sextant.engine.api.Command.DumpSource;
import dev.sextant.engine.api.Command.SaveDump;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.SavedDump;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sextant save-dump --pid PID -o OUT} (the gcore analogue: the engine thread attaches,
 * stops every thread, reads their registers through ptrace, writes the core, detaches) or
 * {@code --core IN} (re-writes a core): an ELF core written by Sextant's dump writer.
 */
@Command(name = "save-dump", mixinStandardHelpOptions = true,
        description = "Save an ELF core (gcore analogue) that gdb, eu-stack and Sextant read.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:written", "1:written, with problems (printed)", "2:nothing written"})
public final class SaveDumpCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--core", paramLabel = "IN", description = "re-write this ELF core (a snapshot from a core)") Path core;
        @Option(names = "--pid", paramLabel = "PID", description = "save a core of this running process") Integer pid;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Target target;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "the core to write") Path output;

    @Option(names = "--include", paramLabel = "START-END",
            description = "also store this address range (hex, e.g. 0x7f0000001000-0x7f0000003000); repeatable")
    List<String> include = new ArrayList<>();

    @Option(names = "--all", description = "also store program text (read-only executable file mappings)") boolean all;

    @Option(names = "--sha256", description = "print the SHA-256 of the core, hashed as it is written (a KbCallbackDumpIo routine)")
    boolean sha256;

    @Spec CommandSpec spec;

    @Override public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<AddressRange> ranges = new ArrayList<>();
            for (String r : include) ranges.add(range(r));
            DumpSource source = target.pid != null ? new DumpSource.Process(new Pid(target.pid)) : new DumpSource.Core(target.core);
            SavedDump result = OneShot.run(new SaveDump(source, output, ranges, all, sha256, List.of()));
            System.out.printf("%s: %d threads, %d segments, %d bytes of memory, %d bytes%n", output, result.threads(),
                    result.loadSegments(), result.memoryBytes(), result.size());
            result.sha256().ifPresent(h -> System.out.println("sha256 " + h));
            System.out.flush();
            boolean problems = false;
            for (Diagnostic d : result.diagnostics()) {
                err.println("sextant: " + d.message());
                problems |= d.severity() != Severity.INFO;
            }
            err.flush();
            return problems ? 1 : 0;
        } catch (TargetException | IllegalArgumentException e) {
            err.println("sextant: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    static AddressRange range(String s) {
        String[] p = s.split("-", 2);
        try {
            long a = Long.parseUnsignedLong(p[0].replaceFirst("^0[xX]", ""), 16);
            long b = Long.parseUnsignedLong(p[1].replaceFirst("^0[xX]", ""), 16);
            if (Long.compareUnsigned(a, b) >= 0) throw new IllegalArgumentException("--include " + s + ": empty range");
            return new AddressRange(a, b);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--include " + s + ": expected START-END in hex");
        }
    }
}
