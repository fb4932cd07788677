package dev.sextant.engine.dump;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.CrashInbox.Crash;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.TargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signatures of many cores in one run: each core is decompressed (into the core cache), read and
 * its crashing thread unwound on one of a few worker threads. Each worker opens, uses and closes
 * its own libdwfl session for each core, so that no handle is shared between threads (libdwfl is
 * single-threaded per {@code Dwfl}). Workers: {@code SEXTANT_CRASH_WORKERS}, else one per processor.
 */
final class CrashBatch {
    private CrashBatch() {}

    static List<Crash> sign(List<Crash> crashes, Cancellation cancel, CrashInboxReader.Progress progress) {
        if (crashes.isEmpty()) return List.of();
        int workers = Math.min(crashes.size(), workers(System.getenv("SEXTANT_CRASH_WORKERS")));
        AtomicInteger seq = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "sextant-crash-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
            Crash[] out = new Crash[crashes.size()];
            for (int i = 0; i < crashes.size(); i++) {
                int index = i;
                done.submit(() -> {
                    out[index] = sign(crashes.get(index), cancel);
                    return index;
                });
            }
            progress.update(0, crashes.size());
            for (int finished = 0; finished < crashes.size(); ) {
                cancel.throwIfCancelled();
                Future<Integer> f = done.poll(100, TimeUnit.MILLISECONDS);
                if (f == null) continue;
                f.get();
                progress.update(++finished, crashes.size());
            }
            return List.of(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One core on a worker thread: its report read here, its libdwfl session closed before returning. */
    static Crash sign(Crash crash, Cancellation cancel) {
        cancel.throwIfCancelled();
        try {
            DumpReport report = ElfCoreReader.read(crash.file(), CoreOptions.DEFAULT, CoreReadListener.NONE, cancel, false);
            return CrashInboxReader.completed(crash, report);
        } catch (TargetException e) {
            return unreadable(crash, e.getMessage());
        } catch (CancellationException e) {
            throw e;
        } catch (RuntimeException e) {
            return unreadable(crash, crash.file() + ": " + e);
        }
    }

    private static Crash unreadable(Crash c, String problem) {
        return new Crash(c.file(), c.size(), c.time(), c.program(), c.pid(), c.uid(), c.executable(), c.commandLine(),
                c.signal(), c.metadata(), Optional.of(CrashSignatures.unreadable(problem)));
    }

    static int workers(String value) {
        if (value != null) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= 1 && n <= 64) return n;
            } catch (NumberFormatException e) {
                // the default below
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
