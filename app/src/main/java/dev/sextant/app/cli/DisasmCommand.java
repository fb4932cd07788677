package dev.sextant.app.cli;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Command.Attach;
import dev.sextant.engine.api.Command.Detach;
import dev.sextant.engine.api.Command.WriteDisassembly;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DebugListener;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DisassemblyListing;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.session.EngineThread;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sextant disasm (FILE | --pid PID) (--at ADDR | --symbol NAME) [--count N] [--end ADDR] [--json]}:
 * x86 code (x86-64, x32, i386) in Intel syntax, as {@code objdump -d -M intel} prints it, with
 * symbolic targets ({@code call 0x1030 <puts@plt>}); a file of another machine in its back end's
 * syntax (see the engine's {@code Machines}). A file's addresses are the file's; a process's are
 * absolute (it is attached for the moment of the read, then runs on).
 */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble the code of an ELF file or a running process (x86-64, x32 and i386 in Intel syntax, as objdump -d -M intel;"
                + " aarch64, arm, ppc64, s390x, mips and riscv too).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "1:printed, but the listing stopped short (end of section, unreadable memory)",
                "2:the file or process could not be read, or bad arguments"})
public final class DisasmCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "ELF file (executable, shared library)")
    Path file;

    @Option(names = "--pid", paramLabel = "PID", description = "a running process: its memory (JIT code too), absolute addresses")
    Integer pid;

    static final class Start {
        @Option(names = "--at", paramLabel = "ADDR", description = "start address (hex, as objdump shows it for a file)")
        String at;
        @Option(names = "--symbol", paramLabel = "NAME", description = "a function: the whole of it unless --count or --end is given")
        String symbol;
        @Option(names = "--all-functions", description = "every function symbol with a size (a file only)")
        boolean all;
        @Option(names = "--all-code", description = "every executable section whole, as objdump -d (a file only)")
        boolean allCode;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Start start;

    @Option(names = "--count", paramLabel = "N", description = "at most N instructions (default: the function, or 32)")
    Integer count;

    @Option(names = "--end", paramLabel = "ADDR", description = "stop before this address")
    String end;

    @Option(names = "--json", description = "print JSON: {file, instructions: [{address, bytes, mnemonic, operands, symbol, target, function, source}]}")
    boolean json;

    /**
     * The arguments bound by {@link PlainArgs} when they are plain, give one of --at, --symbol,
     * --all-functions and --all-code, and a FILE or a PID; else empty (picocli explains).
     */
    public static Optional<DisasmCommand> plain(String[] args) {
        return PlainArgs.bind(new DisasmCommand(), args).filter(c -> c.start != null && (c.file == null) != (c.pid == null)
                && (c.start.at != null ? 1 : 0) + (c.start.symbol != null ? 1 : 0) + (c.start.all ? 1 : 0) + (c.start.allCode ? 1 : 0) == 1);
    }

    @Override public Integer call() {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if ((file == null) == (pid == null)) {
            err.println("sextant disasm: give a FILE or --pid PID (one of them)");
            return 2;
        }
        if ((start.all || start.allCode) && file == null) {
            err.println("sextant disasm: --all-functions and --all-code read a file, not a process");
            return 2;
        }
        WriteDisassembly.What what = start.all ? new WriteDisassembly.AllFunctions() : start.allCode ? new WriteDisassembly.AllCode()
                : new WriteDisassembly.Range(new CodeRange(start.at != null ? hex(start.at) : start.symbol,
                        count == null ? OptionalInt.empty() : OptionalInt.of(count), Optional.ofNullable(end).map(e -> Address.parse(e))));
        PrintStream out = System.out;
        DebugListener toOut = e -> {
            if (e instanceof DebugEvent.OutputWritten w) out.write(w.bytes(), 0, w.bytes().length);
        };
        try {
            WriteDisassembly command = new WriteDisassembly(Optional.ofNullable(file), what, json);
            DisassemblyListing listing = file != null ? OneShot.run(command, toOut) : ofProcess(command, toOut);
            out.flush();
            for (Diagnostic diag : listing.diagnostics()) err.println("sextant disasm: " + diag.message());
            return listing.diagnostics().isEmpty() ? 0 : 1;
        } catch (RuntimeException e) {        // the engine's answer: no such file or process, unreadable code...
            out.flush();
            err.println("sextant disasm: " + e.getMessage());
            return 2;
        }
    }

    /** A live process's code: attached for the listing, then detached (it runs on). */
    private DisassemblyListing ofProcess(WriteDisassembly command, DebugListener listener) {
        try (EngineThread engine = new EngineThread()) {
            engine.addListener(listener);
            OneShot.await(engine.submit(new Attach(new Pid(pid))));
            try {
                return OneShot.await(engine.submit(command));
            } finally {
                OneShot.await(engine.submit(new Detach()));
            }
        }
    }

    /** objdump's addresses are hex without 0x; accept both. */
    private static String hex(String s) {
        String t = s.strip();
        return t.startsWith("0x") || t.startsWith("0X") ? t : "0x" + t;
    }
}
