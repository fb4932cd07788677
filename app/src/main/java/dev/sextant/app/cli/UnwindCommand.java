package dev.sextant.app.cli;

import dev.sextant.engine.api.Command.WriteUnwindListing;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.UnwindListing;
import dev.sextant.engine.format.io.FormatException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sextant unwind FILE [--at ADDR] [--json]}: the static unwind tables of an ELF file
 * ({@code .eh_frame}, {@code .debug_frame}) or a PE x64 image ({@code .pdata}), with decoded rows or
 * unwind codes. Addresses are as in the file (link-time addresses for ELF, RVAs for PE).
 */
@Command(name = "unwind", mixinStandardHelpOptions = true,
        description = "Print the unwind tables (.eh_frame, .debug_frame, .pdata) of an ELF or PE file and exit.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "1:printed, but some entries could not be decoded (or --at found none)",
                "2:the file could not be read"})
public final class UnwindCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "ELF file (executable, shared library, object) or PE image")
    Path file;

    @Option(names = "--at", paramLabel = "ADDR", description = "show only the entry and row for this address, 0x hex or decimal (ELF: link-time address; PE: RVA)")
    String at;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Mixin ErrorOut errorOut = new ErrorOut();

    /** The arguments bound by {@link PlainArgs} when they are plain and name a file; else empty (picocli explains). */
    public static Optional<UnwindCommand> plain(String[] args) {
        return PlainArgs.bind(new UnwindCommand(), args).filter(c -> c.file != null);
    }

    @Override public Integer call() {
        PrintWriter err = errorOut.writer();
        boolean timing = "1".equals(System.getenv("SEXTANT_TIMING"));
        long t0 = System.nanoTime();
        UnwindListing listing;
        try {
            Optional<Long> address = Optional.empty();
            if (at != null) address = Optional.of(parseAddress(at));
            PrintStream out = System.out;
            listing = OneShot.run(new WriteUnwindListing(file, address, json), e -> {
                if (e instanceof DebugEvent.OutputWritten w) out.write(w.bytes(), 0, w.bytes().length);
            });
        } catch (FormatException | TargetException e) {
            err.println("sextant: " + file + ": " + e.getMessage());
            err.flush();
            return 2;
        } catch (UncheckedIOException e) {
            err.println("sextant: " + file + ": " + e.getCause().getMessage());
            err.flush();
            return 2;
        } catch (NumberFormatException e) {
            err.println("sextant: --at " + at + ": not an address");
            err.flush();
            return 2;
        }
        System.out.flush();
        for (String w : listing.warnings()) err.println("sextant: " + w);
        if (timing) {
            long t2 = System.nanoTime();
            long jvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime() - (t2 - t0) / 1_000_000;
            err.printf("timing: JVM start to command %d ms, headers + symbols %d ms, entries + output %d ms%n",
                    jvm, listing.headerNanos() / 1_000_000, (t2 - t0 - listing.headerNanos()) / 1_000_000);
        }
        err.flush();
        return listing.undecoded() > 0 || !listing.found() ? 1 : 0;
    }

    private static long parseAddress(String s) {
        String t = s.trim().toLowerCase();
        return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
    }
}
