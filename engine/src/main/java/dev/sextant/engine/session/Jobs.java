package dev.sextant.engine.session;

import dev.sextant.engine.api.BindOptions;
import dev.sextant.engine.api.BindOutcome;
import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindResult;
import dev.sextant.engine.api.BindStatus;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpData;
import dev.sextant.engine.api.DumpSummary;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.UnwindEntry;
import dev.sextant.engine.api.UnwindTables;
import dev.sextant.engine.bind.BindStatusRoutine;
import dev.sextant.engine.bind.Binder;
import dev.sextant.engine.bind.LiveBindObserver;
import dev.sextant.engine.bind.SearchPath;
import dev.sextant.engine.dump.CoreOptions;
import dev.sextant.engine.dump.CoreReadListener;
import dev.sextant.engine.dump.CrashCapture;
import dev.sextant.engine.dump.CrashMetadataReader;
import dev.sextant.engine.dump.DumpOverview;
import dev.sextant.engine.dump.ElfCoreReader;
import dev.sextant.engine.dump.BreakpadLoads;
import dev.sextant.engine.dump.MinidumpReader;
import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.UnwindTableListing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The engine's jobs that read only files (binds, unwind tables, dump summaries, the demo crash):
 * they run on two worker threads beside the engine thread, so that a large image never holds up
 * ptrace or stepping. Their events are posted back to the engine thread, as every event is.
 */
final class Jobs implements AutoCloseable {
    private final Consumer<LongFunction<DebugEvent>> post;
    private final AtomicLong binds = new AtomicLong();
    private ExecutorService workers;              // made on first use
    private LiveBindObserver observer;            // engine thread only
    private UnwindTableListing listing;           // guarded by this

    Jobs(Consumer<LongFunction<DebugEvent>> post) {
        this.post = post;
    }

    private synchronized ExecutorService workers() {
        if (workers == null) {
            AtomicInteger n = new AtomicInteger();
            workers = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "sextant-files-" + n.getAndIncrement());
                t.setDaemon(true);
                return t;
            });
        }
        return workers;
    }

    /** Up to two workers, each with its own binder (a binder is single-threaded; the second shares the first's parsed files). */
    CompletableFuture<List<BindOutcome>> bind(Command.Bind bind) {
        List<Path> images = bind.images();
        List<CompletableFuture<BindOutcome>> outcomes = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) outcomes.add(new CompletableFuture<>());
        Binder first = new Binder();
        AtomicInteger next = new AtomicInteger(), started = new AtomicInteger();
        Runnable worker = () -> {
            Binder binder = started.getAndIncrement() == 0 ? first : first.sibling();
            for (int i; (i = next.getAndIncrement()) < images.size(); ) {
                try {
                    outcomes.get(i).complete(bindOne(binder, images.get(i), bind.options(), bind.cancellation()));
                } catch (RuntimeException | Error e) {
                    outcomes.get(i).completeExceptionally(e);
                }
            }
        };
        int n = Math.min(images.size(), Math.min(2, Runtime.getRuntime().availableProcessors()));
        for (int w = 0; w < n; w++) workers().execute(worker);
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
    }

    private BindOutcome bindOne(Binder binder, Path image, BindOptions o, Cancellation cancel) {
        long id = binds.incrementAndGet();
        long t0 = System.nanoTime();
        SearchPath sp = new SearchPath(o.search(), o.libraryPath(), o.useCache() ? Optional.of(SearchPath.SYSTEM_CACHE) : Optional.empty(),
                Optional.empty());
        List<BindStatus> notices = new ArrayList<>();
        Counts counts = new Counts();
        try {
            BindResult r = binder.bind(image, sp, o.symbolPath(), o.flags(), (reason, imageName, dll, va, p) -> {
                BindStatus s = new BindStatus(reason, imageName, dll, va, p);
                if (s.notice()) notices.add(s);
                counts.add(s);
                post.accept(stop -> new DebugEvent.BindStatusReported(stop, id, s));
                return !cancel.isCancelled();
            });
            long millis = (System.nanoTime() - t0) / 1_000_000;
            post.accept(stop -> new DebugEvent.BindFinished(stop, id, image.toString(), counts.modules.size(), counts.procedures,
                    counts.failures, r.stopped(), millis));
            return new BindOutcome(image, Optional.of(r), Optional.empty(), notices, System.nanoTime() - t0);
        } catch (FormatException e) {
            return new BindOutcome(image, Optional.empty(), Optional.of(e.getMessage()), notices, System.nanoTime() - t0);
        } catch (IOException e) {
            return new BindOutcome(image, Optional.empty(), Optional.of("cannot read: " + e.getMessage()), notices, System.nanoTime() - t0);
        }
    }

    /**
     * How many libraries and procedures a bind saw, and how many failed. Libraries are counted as the
     * tree lists them: one per name, however many objects need it.
     */
    private static final class Counts {
        final Set<String> modules = new HashSet<>();
        int procedures, failures;

        void add(BindStatus s) {
            if (s.failure()) failures++;
            if (s.reason() == BindReason.BindImportModule || s.reason() == BindReason.BindImportModuleFailed) modules.add(s.dllName());
            if (s.reason() == BindReason.BindImportProcedure || s.reason() == BindReason.BindImportProcedureFailed) procedures++;
        }
    }

    /** Starts observing a launch's dynamic linker (replacing the previous observer); answers the environment to add. */
    Map<String, String> observeBinds(Path program) {
        closeObserver();
        long id = binds.incrementAndGet();
        long t0 = System.nanoTime();
        Counts counts = new Counts();
        BindStatusRoutine routine = (reason, imageName, dll, va, p) -> {
            BindStatus s = new BindStatus(reason, imageName, dll, va, p);
            if (reason == BindReason.BindImportModule) counts.modules.add(dll);
            if (reason == BindReason.BindImportProcedure) counts.procedures++;
            post.accept(stop -> new DebugEvent.BindStatusReported(stop, id, s));
            if (reason == BindReason.BindImageComplete) {
                int modules = counts.modules.size(), procedures = counts.procedures;
                long millis = (System.nanoTime() - t0) / 1_000_000;
                post.accept(stop -> new DebugEvent.BindFinished(stop, id, imageName, modules, procedures, 0, false, millis));
            }
            return true;
        };
        try {
            observer = LiveBindObserver.start(program, routine);
            return observer.environment();
        } catch (IOException e) {
            throw new TargetException(e.getMessage(), e);
        }
    }

    private void closeObserver() {
        if (observer != null) observer.close();
        observer = null;
    }

    /** A dump read for a report; the engine's open target is untouched. Runs on the engine thread (libdw). */
    /** A dump summarized for the command line; a minidump's Breakpad symbol loads are told to {@code loads}. */
    static DumpSummary summarizeDump(Command.SummarizeDump s, BreakpadLoads loads) {
        Path file = s.file();
        if (!Files.exists(file)) throw new TargetException(file + ": no such file");
        CoreOptions options = new CoreOptions(Optional.empty(), s.sysroot());
        DumpOverview o = MinidumpReader.isMinidump(file) ? MinidumpReader.read(file, options, s.symbolStores(), MinidumpReader.Opened.NONE, loads)
                : DumpOverview.ofElfCore(ElfCoreReader.read(file, options, CoreReadListener.NONE, new Cancellation())
                        .withOrigin(file, CrashMetadataReader.read(file)), file);   // with what systemd-coredump recorded
        List<DumpData> data = new ArrayList<>(o.secondaryData().size());
        for (SecondaryData d : o.secondaryData()) {
            data.add(new DumpData(d.tag(), d.name(), d.component(), d.size(), s.decodeData() ? d.decode().render() : ""));
        }
        return new DumpSummary(o.report(), o.os(), o.cpu(), o.crash(), data);
    }

    CompletableFuture<Path> captureCrash(Command.CaptureCrash c) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return CrashCapture.capture(c.program(), c.arguments(), c.directory(), c.timeoutSeconds());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetException("interrupted while capturing a crash of " + c.program(), e);
            }
        }, workers());
    }

    CompletableFuture<UnwindTables> listUnwindTables(Path file) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                UnwindTableListing l = UnwindTableListing.open(file);
                synchronized (this) { listing = l; }
                List<UnwindEntry> entries = l.entries().stream().map(e -> new UnwindEntry(e.index(), e.section(), e.start(), e.end(),
                        e.symbol(), e.augmentation(), e.lsda())).toList();
                return new UnwindTables(file, l.symbolFile(), entries, l.problems());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, workers());
    }

    /** The detail of an entry of the file listed last (read again if another file was listed since). */
    CompletableFuture<String> describeUnwindEntry(Command.DescribeUnwindEntry d) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                try {
                    if (listing == null || !listing.file().equals(d.file())) listing = UnwindTableListing.open(d.file());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return listing.detail(d.index());
            }
        }, workers());
    }

    @Override public void close() {
        closeObserver();
        synchronized (this) {
            if (workers != null) workers.shutdownNow();
        }
    }
}
