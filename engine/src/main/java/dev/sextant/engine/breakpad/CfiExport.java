package dev.sextant.engine.breakpad;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.unwind.CfiSection;
import dev.sextant.engine.unwind.Fde;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code STACK CFI} records of a whole file, made by worker threads while the caller writes the
 * rest of the file: the FDEs (in address order, {@code .debug_frame}'s repeats of {@code .eh_frame}
 * left out) are cut into chunks, each decoded into its own {@link SymText}, and {@link #writeTo}
 * writes the chunks in order. Touches no libdw (the CFI is Sextant's own decoder over the mapped file).
 */
final class CfiExport implements AutoCloseable {
    private static final int CHUNK = 2048;

    private record Item(CfiSection section, Fde fde) {}
    private record Chunk(SymText text, int entries, int skipped) {}

    private final List<Item> items;
    private final List<CompletableFuture<Chunk>> chunks = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    private final int machine;
    private final long base;
    private final Cancellation cancel;

    private CfiExport(int machine, long base, List<Item> items, Cancellation cancel) {
        this.machine = machine;
        this.base = base;
        this.items = items;
        this.cancel = cancel;
    }

    static CfiExport start(int machine, long base, List<CfiSection> sections, Cancellation cancel) {
        List<Item> items = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (CfiSection s : sections) {
            for (Fde f : s.fdes()) {
                if (f.pcEnd() != f.pcBegin() && seen.add(f.pcBegin())) items.add(new Item(s, f));
            }
        }
        // In address order, as the FUNCs are: a reader can then search the file in place (.eh_frame keeps
        // a function's cold part, and the linker its sections, out of that order).
        items.sort((a, b) -> Long.compareUnsigned(a.fde().pcBegin(), b.fde().pcBegin()));
        CfiExport e = new CfiExport(machine, base, items, cancel);
        int n = (items.size() + CHUNK - 1) / CHUNK;
        for (int i = 0; i < n; i++) e.chunks.add(new CompletableFuture<>());
        int threads = Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors()));
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(e::work, "breakpad-cfi-" + t);
            w.setDaemon(true);
            e.workers.add(w);
            w.start();
        }
        return e;
    }

    private void work() {
        for (int i; !stop.get() && (i = next.getAndIncrement()) < chunks.size(); ) {
            CompletableFuture<Chunk> f = chunks.get(i);
            try {
                if (cancel.isCancelled()) { f.cancel(false); continue; }
                int from = i * CHUNK, to = Math.min(items.size(), from + CHUNK);
                SymText text = new SymText((to - from) * 160);
                CfiRecords cfi = new CfiRecords(machine, base, text);
                for (int k = from; k < to; k++) cfi.write(items.get(k).section(), items.get(k).fde());
                f.complete(new Chunk(text, cfi.entries, cfi.skipped));
            } catch (RuntimeException | Error ex) {
                f.completeExceptionally(ex);
            }
        }
    }

    /** Writes every chunk in order as it is done; {entries, skipped}. */
    int[] writeTo(OutputStream out) throws IOException {
        int entries = 0, skipped = 0;
        for (int i = 0; i < chunks.size(); i++) {
            cancel.throwIfCancelled();
            Chunk c;
            try {
                c = chunks.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing STACK CFI records", e);
            } catch (CancellationException e) {
                cancel.throwIfCancelled();
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error r) throw r;
                throw new IOException(e.getCause());
            }
            c.text().writeTo(out);
            chunks.set(i, CompletableFuture.completedFuture(new Chunk(new SymText(0), c.entries(), c.skipped())));
            entries += c.entries();
            skipped += c.skipped();
        }
        return new int[]{entries, skipped};
    }

    @Override
    public void close() {
        stop.set(true);
    }
}
