package dev.sextant.app.cli;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.dump.CallbackReason;
import dev.sextant.engine.dump.CoreDumpSource;
import dev.sextant.engine.dump.DumpWriter;
import dev.sextant.engine.dump.ReasonCallbackRecord;
import dev.sextant.engine.dump.ReasonData;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.session.EngineThread;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
 * {@code --core IN} (re-writes a core): an ELF core written by Sextant's {@link DumpWriter}.
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
            List<ReasonData.MemoryRange> ranges = new ArrayList<>();
            for (String r : include) ranges.add(range(r));
            DumpWriter writer = new DumpWriter();
            MessageDigest digest = sha256 ? sha256() : null;
            if (digest != null) {
                writer.registerReasonCallback(new ReasonCallbackRecord().initialize(),
                        (reason, record, data) -> digest.update(((ReasonData.DumpIo) data).bytes()), CallbackReason.DUMP_IO, "sextant save-dump");
            }
            DumpWriter.Options options = new DumpWriter.Options(ranges, all);
            DumpWriter.Result result;
            if (target.pid != null) {
                result = saveProcess(target.pid, writer, options);
            } else {
                try (CoreDumpSource source = CoreDumpSource.open(target.core)) {
                    result = writer.write(source, output, options);
                }
            }
            System.out.printf("%s: %d threads, %d segments, %d bytes of memory, %d bytes%n", output, result.threads(),
                    result.loadSegments(), result.memoryBytes(), result.size());
            if (digest != null) System.out.println("sha256 " + HexFormat.of().formatHex(digest.digest()));
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
        } catch (IOException e) {
            err.println("sextant: " + output + ": cannot be written (" + e.getMessage() + ")");
            err.flush();
            return 2;
        }
    }

    private DumpWriter.Result saveProcess(int pid, DumpWriter writer, DumpWriter.Options options) throws IOException {
        try (EngineThread engine = new EngineThread()) {
            return engine.saveDump(new Pid(pid), writer, output, options).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted while saving process " + pid, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TargetException t) throw t;
            if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static ReasonData.MemoryRange range(String s) {
        String[] p = s.split("-", 2);
        try {
            long a = Long.parseUnsignedLong(p[0].replaceFirst("^0[xX]", ""), 16);
            long b = Long.parseUnsignedLong(p[1].replaceFirst("^0[xX]", ""), 16);
            if (Long.compareUnsigned(a, b) >= 0) throw new IllegalArgumentException("--include " + s + ": empty range");
            return new ReasonData.MemoryRange(a, b);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--include " + s + ": expected START-END in hex");
        }
    }
}
