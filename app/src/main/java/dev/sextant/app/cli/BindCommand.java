package dev.sextant.app.cli;

import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindOptions;
import dev.sextant.engine.api.BindOutcome;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindResult;
import dev.sextant.engine.api.BindStatus;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command.Bind;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sextant bind FILE… [--search DIR]… [--library-path PATHS] [--all] [--json]}: resolves
 * each image's libraries and imports as ld.so would, without running anything.
 */
@Command(name = "bind", mixinStandardHelpOptions = true,
        description = "Resolve an image's libraries and imported symbols the way the dynamic linker would, "
                + "without running it.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every library found and every strong import bound",
                "1:a library or a symbol could not be resolved", "2:an image could not be read"})
public final class BindCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "executables or shared libraries")
    List<Path> files;

    @Option(names = "--search", paramLabel = "DIR",
            description = "also look in DIR after every ld.so rule has failed (repeatable)")
    List<Path> search = new ArrayList<>();

    @Option(names = "--library-path", paramLabel = "PATHS",
            description = "LD_LIBRARY_PATH for the bind (Sextant's own environment is never used)")
    String libraryPath;

    @Option(names = "--symbol-path", paramLabel = "DIR",
            description = "debug-file directory (e.g. /usr/lib/debug): warn when a module's separate debug file does not match it")
    Path symbolPath;

    @Option(names = "--no-cache", description = "ignore /etc/ld.so.cache")
    boolean noCache;

    @Option(names = "--all", description = "bind every library's own imports too, not only the image's")
    boolean all;

    @Option(names = "--update-copy", description = "PE images: write a bound copy beside each (NAME.bound.exe), as BIND.EXE binds")
    boolean updateCopy;

    @Option(names = "--json", description = "print JSON (one document per FILE, one per line)")
    boolean json;

    @Option(names = "--timing", hidden = true, description = "print per-file bind and render times to stderr")
    boolean timing;

    @Mixin ErrorOut errorOut = new ErrorOut();

    /** The arguments bound by {@link PlainArgs} when they are plain and name at least one file; else empty (picocli explains). */
    public static Optional<BindCommand> plain(String[] args) {
        return PlainArgs.bind(new BindCommand(), args).filter(c -> c.files != null && !c.files.isEmpty());
    }

    @Override public Integer call() {
        PrintWriter err = errorOut.writer();
        EnumSet<BindFlag> flags = EnumSet.of(BindFlag.NO_UPDATE);
        if (all) flags.add(BindFlag.ALL_IMAGES);
        if (updateCopy) flags.add(BindFlag.UPDATE_COPY);
        BindOptions options = new BindOptions(search, Optional.ofNullable(libraryPath), !noCache, Optional.ofNullable(symbolPath), flags);
        List<BindOutcome> outcomes = OneShot.run(new Bind(files, options, new Cancellation()));
        int status = 0;
        StringBuilder out = new StringBuilder(1 << 16);
        for (BindOutcome o : outcomes) {
            for (BindStatus s : o.notices()) notice(s).ifPresent(err::println);
            if (o.error().isPresent()) {
                flush(out);
                err.println("sextant: " + o.image() + ": " + o.error().get());
                status = 2;
                continue;
            }
            BindResult r = o.result().orElseThrow();
            long t1 = System.nanoTime();
            out.append(json ? BindReport.json(r) : BindReport.text(r));
            if (timing) {
                err.printf("%s: bind %.1f ms, render %.1f ms%n", o.image(), o.nanos() / 1e6, (System.nanoTime() - t1) / 1e6);
            }
            status = Math.max(status, r.complete() ? 0 : 1);
            if (out.length() > 1 << 20) flush(out);
        }
        flush(out);
        err.flush();
        return status;
    }

    /** The line a status-routine notice prints on stderr. */
    private static Optional<String> notice(BindStatus s) {
        BindParameter p = s.parameter();
        if (s.reason() == BindReason.BindMismatchedSymbols && p instanceof BindParameter.SymbolFile f) {
            return Optional.of("sextant: warning: " + s.dllName() + ": debug file " + f.path() + " does not match it");
        }
        if (s.reason() == BindReason.BindImageModified && p instanceof BindParameter.Written w) return Optional.of("sextant: wrote " + w.path());
        if (s.reason() == BindReason.BindExpandFileHeaders && p instanceof BindParameter.ByteCount c) {
            return Optional.of("sextant: " + s.imageName() + ": headers grown by " + c.bytes() + " bytes for the bound import table");
        }
        if (s.reason() == BindReason.BindNoRoomInImage) return Optional.of("sextant: " + s.imageName() + ": no room for a bound import table; no copy written");
        return Optional.empty();
    }

    private static void flush(StringBuilder sb) {
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        System.out.write(b, 0, b.length);
        System.out.flush();
        sb.setLength(0);
    }
}
