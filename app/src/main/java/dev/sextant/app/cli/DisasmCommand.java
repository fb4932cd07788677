package dev.sextant.app.cli;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Command.Attach;
import dev.sextant.engine.api.Command.Detach;
import dev.sextant.engine.api.Command.Disassemble;
import dev.sextant.engine.api.Command.DisassembleFunctions;
import dev.sextant.engine.api.Command.DisassembleSections;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.format.elf.BfdTarget;
import dev.sextant.engine.format.elf.ElfSections;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.json.JsonOut;
import dev.sextant.engine.session.EngineThread;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
        try {
            List<Disassembly> listings;
            if (start.all) {
                listings = OneShot.run(new DisassembleFunctions(file));
            } else if (start.allCode) {
                listings = OneShot.run(new DisassembleSections(file));
            } else {
                CodeRange range = new CodeRange(start.at != null ? hex(start.at) : start.symbol,
                        count == null ? OptionalInt.empty() : OptionalInt.of(count), Optional.ofNullable(end).map(e -> Address.parse(e)));
                listings = List.of(file != null ? OneShot.run(new Disassemble(Optional.of(file), range)) : ofProcess(range));
            }
            PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
            String source = file != null ? file.toString() : "process " + pid;
            if (json) writeJson(out, source, listings); else writeText(out, source, format(), listings);
            out.flush();
            boolean shortened = false;
            for (Disassembly d : listings) {
                for (Diagnostic diag : d.diagnostics()) { err.println("sextant disasm: " + diag.message()); shortened = true; }
            }
            return shortened ? 1 : 0;
        } catch (RuntimeException e) {        // the engine's answer: no such file or process, unreadable code...
            err.println("sextant disasm: " + e.getMessage());
            return 2;
        }
    }

    /** A live process's code: attached for the listing, then detached (it runs on). */
    private Disassembly ofProcess(CodeRange range) {
        try (EngineThread engine = new EngineThread()) {
            OneShot.await(engine.submit(new Attach(new Pid(pid))));
            try {
                return OneShot.await(engine.submit(new Disassemble(Optional.empty(), range)));
            } finally {
                OneShot.await(engine.submit(new Detach()));
            }
        }
    }

    /**
     * What objdump names the file's format ({@code elf32-littlearm}); a process's code is the engine's
     * own machine's (live targets are x86-64).
     */
    private String format() {
        if (file == null) return "elf64-x86-64";
        try {
            return ElfSections.read(file, f -> BfdTarget.name(f.header()));
        } catch (IOException | FormatException e) {        // the engine has just read it: only a file changed under us
            return "elf";
        }
    }

    /** objdump's addresses are hex without 0x; accept both. */
    private static String hex(String s) {
        String t = s.strip();
        return t.startsWith("0x") || t.startsWith("0X") ? t : "0x" + t;
    }

    static void writeText(PrintWriter out, String source, String format, List<Disassembly> listings) {
        out.println();
        out.println(source + ":     file format " + format);
        String entryLine = format.startsWith("elf32-") ? "%08x <%s>:%n" : "%016x <%s>:%n";       // objdump: as wide as the file's addresses
        StringBuilder line = new StringBuilder(128);
        for (Disassembly d : listings) {
            boolean first = true;
            for (Instruction i : d.instructions()) {
                boolean entry = i.location().map(l -> l.indexOf('+') < 0).orElse(false);
                if (first || entry) {
                    out.println();
                    String label = i.location().orElse("");
                    out.printf(entryLine, i.address().value(), label);
                    first = false;
                }
                line.setLength(0);
                String addr = Long.toHexString(i.address().value());
                for (int p = addr.length(); p < 8; p++) line.append(' ');
                line.append(addr).append(":\t").append(i.bytes());
                for (int p = i.bytes().length(); p < 21; p++) line.append(' ');
                line.append('\t').append(i.mnemonic());
                if (!i.operands().isEmpty()) {
                    for (int p = i.mnemonic().length(); p < 6; p++) line.append(' ');
                    line.append(' ').append(i.symbolicOperands());
                }
                out.append(line).append('\n');
            }
        }
    }

    static void writeJson(PrintWriter out, String source, List<Disassembly> listings) {
        JsonOut j = new JsonOut();
        j.beginObject().name("file").value(source).name("instructions").beginArray();
        for (Disassembly d : listings) {
            for (Instruction i : d.instructions()) {
                j.beginObject().name("address").hex(i.address().value()).name("bytes").value(i.bytes())
                        .name("mnemonic").value(i.mnemonic()).name("operands").value(i.operands())
                        .name("symbol").value(i.targetName().orElse(null))
                        .name("target").value(i.target().map(Address::toString).orElse(null))
                        .name("function").value(i.location().orElse(null))
                        .name("source").value(i.source().orElse(null)).endObject();
                if (j.position() > 1 << 16) {
                    out.append(j.text());
                    j.reset();
                    j.afterSibling();       // the next instruction follows this one's comma
                }
            }
        }
        j.endArray().name("diagnostics").beginArray();
        for (Disassembly d : listings) for (Diagnostic diag : d.diagnostics()) j.value(diag.message());
        j.endArray().endObject();
        out.append(j.text()).append('\n');
    }
}
