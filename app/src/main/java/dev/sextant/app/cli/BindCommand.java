package dev.sextant.app.cli;

import dev.sextant.engine.bind.BindFlag;
import dev.sextant.engine.bind.BindParameter;
import dev.sextant.engine.bind.BindReason;
import dev.sextant.engine.bind.BindResult;
import dev.sextant.engine.bind.BindStatusRoutine;
import dev.sextant.engine.bind.Binder;
import dev.sextant.engine.bind.SearchPath;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

    @Spec CommandSpec spec;

    /**
     * The arguments bound without picocli when they are only the options above in plain form (as
     * {@link StackCommand#plain}: picocli's reflective model costs a quarter of a second, more
     * than binding a large image); empty for help, mistakes or anything picocli must explain.
     */
    public static Optional<BindCommand> plain(String[] args) {
        BindCommand c = new BindCommand();
        c.files = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i], name = a, value = null;
            if (optionsEnded || !a.startsWith("-") || a.equals("-")) {
                if (a.isEmpty()) return Optional.empty();
                c.files.add(Path.of(a));
                continue;
            }
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) { name = a.substring(0, eq); value = a.substring(eq + 1); }
            switch (name) {
                case "--" -> optionsEnded = true;
                case "--all", "--json", "--no-cache", "--timing", "--update-copy" -> {
                    if (value != null) return Optional.empty();
                    switch (name) {
                        case "--all" -> c.all = true;
                        case "--json" -> c.json = true;
                        case "--no-cache" -> c.noCache = true;
                        case "--update-copy" -> c.updateCopy = true;
                        default -> c.timing = true;
                    }
                }
                case "--search", "--library-path", "--symbol-path" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("-")) return Optional.empty();
                        value = args[++i];
                    }
                    switch (name) {
                        case "--search" -> { if (value.isEmpty()) return Optional.empty(); c.search.add(Path.of(value)); }
                        case "--library-path" -> c.libraryPath = value;
                        default -> { if (value.isEmpty()) return Optional.empty(); c.symbolPath = Path.of(value); }
                    }
                }
                default -> { return Optional.empty(); }
            }
        }
        return c.files.isEmpty() ? Optional.empty() : Optional.of(c);
    }

    @Override public Integer call() {
        PrintWriter err = spec != null ? spec.commandLine().getErr()
                : new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        SearchPath sp = new SearchPath(search, Optional.ofNullable(libraryPath),
                noCache ? Optional.empty() : Optional.of(SearchPath.SYSTEM_CACHE), Optional.empty());
        EnumSet<BindFlag> flags = EnumSet.of(BindFlag.NO_UPDATE);
        if (all) flags.add(BindFlag.ALL_IMAGES);
        if (updateCopy) flags.add(BindFlag.UPDATE_COPY);
        // Several files: bound by up to two workers, each with its own binder (a binder is
        // single-threaded; siblings share parsed libraries across all the files), printed in order.
        int n = files.size();
        int workers = Math.min(n, Math.min(2, Runtime.getRuntime().availableProcessors()));
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) outcomes.add(new CompletableFuture<>());
        AtomicInteger next = new AtomicInteger();
        Binder first = new Binder();
        AtomicInteger started = new AtomicInteger();
        Runnable worker = () -> {
            // each worker its own binder; the second shares the first's parsed files
            Binder binder = started.getAndIncrement() == 0 ? first : first.sibling();
            for (int i; (i = next.getAndIncrement()) < n; ) {
                try {
                    outcomes.get(i).complete(bindOne(binder, files.get(i), sp, flags, err));
                } catch (RuntimeException | Error e) {
                    outcomes.get(i).completeExceptionally(e);
                }
            }
        };
        if (workers == 1) worker.run();
        for (int w = 0; w < workers && workers > 1; w++) {
            Thread t = new Thread(worker, "sextant-bind-" + w);
            t.setDaemon(true);
            t.start();
        }
        int status = 0;
        StringBuilder out = new StringBuilder(1 << 16);
        for (CompletableFuture<Outcome> f : outcomes) {
            Outcome o;
            try {
                o = f.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof Error er) throw er;
                throw e;
            }
            if (o.error() != null) {
                flush(out);
                err.println(o.error());
            }
            if (o.text() != null) out.append(o.text());
            if (o.timing() != null) err.print(o.timing());
            status = Math.max(status, o.status());
            if (out.length() > 1 << 20) flush(out);
        }
        flush(out);
        err.flush();
        return status;
    }

    /** One file's report, or the one-line error; its exit status; its timing line when asked. */
    private record Outcome(String text, String error, int status, String timing) {}

    private Outcome bindOne(Binder binder, Path f, SearchPath sp, EnumSet<BindFlag> flags, PrintWriter err) {
        long t0 = System.nanoTime();
        BindResult r;
        try {
            BindStatusRoutine routine = (reason, image, dll, va, p) -> {
                if (reason == BindReason.BindMismatchedSymbols && p instanceof BindParameter.SymbolFile s) {
                    err.println("sextant: warning: " + dll + ": debug file " + s.path() + " does not match it");
                }
                if (reason == BindReason.BindImageModified && p instanceof BindParameter.Written w) err.println("sextant: wrote " + w.path());
                if (reason == BindReason.BindExpandFileHeaders && p instanceof BindParameter.ByteCount c) {
                    err.println("sextant: " + image + ": headers grown by " + c.bytes() + " bytes for the bound import table");
                }
                if (reason == BindReason.BindNoRoomInImage) err.println("sextant: " + image + ": no room for a bound import table; no copy written");
                return true;
            };
            r = binder.bind(f, sp, Optional.ofNullable(symbolPath), flags, routine);
        } catch (FormatException e) {
            return new Outcome(null, "sextant: " + f + ": " + e.getMessage(), 2, null);
        } catch (IOException e) {
            return new Outcome(null, "sextant: " + f + ": cannot read: " + e.getMessage(), 2, null);
        }
        long t1 = System.nanoTime();
        String text = json ? BindReport.json(r) : BindReport.text(r);
        String timingLine = timing ? String.format("%s: bind %.1f ms, render %.1f ms (%s)%n", f, (t1 - t0) / 1e6,
                (System.nanoTime() - t1) / 1e6, Thread.currentThread().getName()) : null;
        return new Outcome(text, null, r.complete() ? 0 : 1, timingLine);
    }

    private static void flush(StringBuilder sb) {
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        System.out.write(b, 0, b.length);
        System.out.flush();
        sb.setLength(0);
    }
}
