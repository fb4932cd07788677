package dev.sextant.engine.breakpad;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.unwind.CfiSection;
import dev.sextant.engine.unwind.EhFrameHdr;
import dev.sextant.engine.unwind.Fde;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code STACK CFI} records of a whole file, made by worker threads while the caller writes the
 * rest of the file: the FDEs (in address order, {@code .debug_frame}'s repeats of {@code .eh_frame}
 * left out) are cut into chunks, each decoded into a {@link SymText}, and {@link #writeTo} writes the
 * chunks in order. The workers keep at most {@link #AHEAD} chunks waiting to be written and reuse the
 * buffers of the written ones: libLLVM's 36 MB of records otherwise all stayed in memory until the
 * functions were written, and each young collection copied them again (80 MB kept at the end and 13
 * collections pausing 240 ms in all under load; now 42 MB and 10 pausing 70 ms).
 * Touches no libdw (the CFI is Sextant's own decoder over the mapped file).
 */
final class CfiExport implements AutoCloseable {
    private static final int CHUNK = 1024;
    /** Chunks made but not yet written, at most: about 400 KB each for C++ code. */
    private static final int AHEAD = 24;

    private record Item(CfiSection section, Fde fde) {}

    private final List<Item> items;        // the FDEs to write, in order; null when taken from .eh_frame_hdr:
    private final CfiSection ehFrame;      // then the table's FDEs of this section,
    private final long[] hdrOffsets, hdrPcs;   // at these offsets, their initial locations as the table gives them
    private final int size;
    private final int chunkCount;
    private final SymText[] done;          // chunk i's text once made, until written
    private final int[] entries, skipped;
    private final Throwable[] failed;        // a worker's failure, rethrown by the writer
    private final ConcurrentLinkedQueue<SymText> free = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private int next, written;              // guarded by lock
    private final AtomicBoolean stop = new AtomicBoolean();
    private final int machine;
    private final long base;
    private final Cancellation cancel;

    private CfiExport(int machine, long base, List<Item> items, CfiSection ehFrame, long[] hdrOffsets, long[] hdrPcs, Cancellation cancel) {
        this.machine = machine;
        this.base = base;
        this.items = items;
        this.ehFrame = ehFrame;
        this.hdrOffsets = hdrOffsets;
        this.hdrPcs = hdrPcs;
        this.cancel = cancel;
        size = items != null ? items.size() : hdrOffsets.length;
        chunkCount = (size + CHUNK - 1) / CHUNK;
        done = new SymText[chunkCount];
        entries = new int[chunkCount];
        skipped = new int[chunkCount];
        failed = new Throwable[chunkCount];
    }

    static CfiExport start(int machine, long base, List<CfiSection> sections, Optional<EhFrameHdr> hdr, Cancellation cancel) {
        CfiExport e = fromHdr(machine, base, sections, hdr, cancel);
        if (e == null) e = fromSections(machine, base, sections, cancel);
        Timing.mark(e.items == null ? "STACK CFI planned from .eh_frame_hdr" : "STACK CFI planned from the sections");
        e.spareWorkers.set(Math.max(1, Math.min(e.chunkCount, Runtime.getRuntime().availableProcessors())) - 1);
        e.startWorker(0);
        return e;
    }

    /**
     * Workers the first one starts when it has made its first chunk: until then the code is cold (the
     * interpreter runs it while C1 works through its queue, ten and more times slower than compiled),
     * and a second worker running the same cold code while the CPUs are busy with the rest of the
     * export only spent CPU (a third of the workers' CPU went to the interpreter when both started at once).
     */
    private final java.util.concurrent.atomic.AtomicInteger spareWorkers = new java.util.concurrent.atomic.AtomicInteger();

    private void startWorker(int index) {
        Thread w = new Thread(this::work, "breakpad-cfi-" + index);
        w.setDaemon(true);
        w.start();
    }

    /**
     * The FDEs in {@code .eh_frame_hdr}'s search table order, which is address order already: nothing
     * decoded or sorted here (libLLVM's 95,000 FDEs took the planning thread 20-50 ms of CPU, all
     * before the first worker started). Only when {@code .eh_frame} is the file's one CFI section and
     * the table lists each of its FDEs once, in order; else null (the sections are walked instead).
     * The FDEs are decoded by the workers; as {@link #fromSections} does, those that cover nothing
     * or cannot be decoded are left out, and of those that start at one address the first in section
     * order is kept. The table's initial locations are taken for the FDEs' own (a table that disagreed
     * with its FDEs, a broken file, would order the records as the table does).
     */
    static CfiExport fromHdr(int machine, long base, List<CfiSection> sections, Optional<EhFrameHdr> hdr, Cancellation cancel) {
        if (hdr.isEmpty() || hdr.get().fdeCount() <= 0 || sections.size() != 1 || sections.get(0).kind() != CfiSection.Kind.EH_FRAME) return null;
        CfiSection eh = sections.get(0);
        int n = (int) hdr.get().fdeCount();
        long[] pcs = new long[n], offs = new long[n];
        try {
            hdr.get().table(pcs, offs);
        } catch (FormatException ex) {
            return null;
        }
        // Each FDE of the section once: as many as the section has, each at the start of one of them.
        Optional<CfiSection.FdeStarts> fdes = eh.fdeStarts();
        if (fdes.isEmpty() || fdes.get().count() != n) return null;
        long[] bits = fdes.get().bits();
        long ehAddress = eh.bases().sectionAddress();
        boolean repeats = false;
        for (int i = 0; i < n; i++) {
            long off = offs[i] - ehAddress;
            long word = off >>> 6;
            if (off < 0 || word >= bits.length || (bits[(int) word] & 1L << off) == 0) return null;   // not an FDE, or listed twice
            bits[(int) word] &= ~(1L << off);
            offs[i] = off;
            if (i > 0) {
                int c = Long.compareUnsigned(pcs[i - 1], pcs[i]);
                if (c > 0) return null;
                if (c == 0) repeats = true;
            }
        }
        // Entries of one initial location in section order (the linker's sort need not keep it).
        for (int i = 0, j; repeats && i < n; i = j) {
            for (j = i + 1; j < n && pcs[j] == pcs[i]; j++) { }
            if (j - i > 1) Arrays.sort(offs, i, j);
        }
        return new CfiExport(machine, base, null, eh, offs, pcs, cancel);
    }

    /** Table entry {@code k}'s FDE, or null when it is left out (see {@link #fromHdr}); decoded with {@code own}'s CIE cache. */
    private Fde hdrFde(CfiSection own, int k) {
        if (!(own.recordAt(hdrOffsets[k]) instanceof Fde f) || f.pcEnd() == f.pcBegin()) return null;
        for (int j = k - 1; j >= 0 && hdrPcs[j] == hdrPcs[k]; j--) {
            if (own.recordAt(hdrOffsets[j]) instanceof Fde g && g.pcEnd() != g.pcBegin()) return null;
        }
        return f;
    }

    /** Every FDE of every section, decoded and sorted here. */
    private static CfiExport fromSections(int machine, long base, List<CfiSection> sections, Cancellation cancel) {
        List<Item> items = new ArrayList<>();
        for (CfiSection s : sections) {
            for (Fde f : s.fdes()) if (f.pcEnd() != f.pcBegin()) items.add(new Item(s, f));
        }
        // In address order, as the FUNCs are: a reader can then search the file in place (.eh_frame keeps
        // a function's cold part, and the linker its sections, out of that order). The sort is stable, so
        // of the FDEs that start at one address the first in section order (.eh_frame's) is kept.
        items.sort((a, b) -> Long.compareUnsigned(a.fde().pcBegin(), b.fde().pcBegin()));
        int kept = 0;
        for (int i = 0; i < items.size(); i++) {
            if (kept > 0 && items.get(kept - 1).fde().pcBegin() == items.get(i).fde().pcBegin()) continue;
            items.set(kept++, items.get(i));
        }
        return new CfiExport(machine, base, new ArrayList<>(items.subList(0, kept)), null, null, null, cancel);
    }

    /**
     * {@link #start}, run on a thread of its own: the plan (from {@code .eh_frame_hdr}, or decoding and
     * sorting every FDE) is made while the caller reads the symbols, and the workers start when it is done.
     */
    static Pending startPlanning(int machine, long base, List<CfiSection> sections, Optional<EhFrameHdr> hdr, Cancellation cancel) {
        Pending p = new Pending();
        Thread t = new Thread(() -> {
            try {
                p.planned(start(machine, base, sections, hdr, cancel));
            } catch (RuntimeException | Error e) {
                p.failed(e);
            }
        }, "breakpad-cfi-plan");
        t.setDaemon(true);
        t.start();
        return p;
    }

    /** An export whose FDEs are being gathered ({@link #startPlanning}). */
    static final class Pending implements AutoCloseable {
        private CfiExport export;
        private Throwable failure;
        private boolean closed;

        private synchronized void planned(CfiExport e) {
            if (closed) e.close();          // the caller gave up meanwhile: the workers stop at once
            export = e;
            notifyAll();
        }

        private synchronized void failed(Throwable t) {
            failure = t;
            notifyAll();
        }

        /** {@link CfiExport#writeTo} once the FDEs are gathered; a failure to gather them is thrown as it was. */
        int[] writeTo(OutputStream out) throws IOException {
            CfiExport e;
            synchronized (this) {
                while (export == null && failure == null) {
                    try {
                        wait();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while gathering STACK CFI records", ex);
                    }
                }
                if (failure instanceof RuntimeException r) throw r;
                if (failure instanceof Error r) throw r;
                e = export;
            }
            return e.writeTo(out);
        }

        @Override public synchronized void close() {
            closed = true;
            if (export != null) export.close();
        }
    }

    /** The next chunk to make, waiting while {@link #AHEAD} are made and unwritten; -1 when there is none. */
    private int take() throws InterruptedException {
        synchronized (lock) {
            while (!stop.get() && next < chunkCount && next >= written + AHEAD) lock.wait();
            return stop.get() || next >= chunkCount ? -1 : next++;
        }
    }

    private void work() {
        CfiSection own = ehFrame == null ? null : ehFrame.copy();
        try {
            for (int i; (i = take()) >= 0; ) {
                SymText text = free.poll();
                if (text == null) text = new SymText(CHUNK * 400);
                try {
                    if (!cancel.isCancelled()) {
                        int from = i * CHUNK, to = Math.min(size, from + CHUNK);
                        CfiRecords cfi = new CfiRecords(machine, base, text);
                        if (items != null) {
                            for (int k = from; k < to; k++) cfi.write(items.get(k).section(), items.get(k).fde());
                        } else {
                            for (int k = from; k < to; k++) {
                                Fde f = hdrFde(own, k);
                                if (f != null) cfi.write(own, f);
                            }
                        }
                        entries[i] = cfi.entries;
                        skipped[i] = cfi.skipped;
                    }
                } catch (RuntimeException | Error ex) {   // an Error too: the writer waits for this chunk
                    failed[i] = ex;
                }
                synchronized (lock) {
                    done[i] = text;
                    lock.notifyAll();
                }
                for (int spare = spareWorkers.getAndSet(0); spare > 0; spare--) startWorker(spare);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes every chunk in order as it is done; {entries, skipped}. */
    int[] writeTo(OutputStream out) throws IOException {
        int allEntries = 0, allSkipped = 0;
        for (int i = 0; i < chunkCount; i++) {
            SymText text;
            synchronized (lock) {
                while ((text = done[i]) == null) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while writing STACK CFI records", e);
                    }
                }
                done[i] = null;
            }
            cancel.throwIfCancelled();
            if (failed[i] instanceof RuntimeException r) throw r;
            if (failed[i] instanceof Error r) throw r;
            text.writeTo(out);
            text.clear();
            free.add(text);
            synchronized (lock) {
                written = i + 1;
                lock.notifyAll();
            }
            allEntries += entries[i];
            allSkipped += skipped[i];
        }
        return new int[]{allEntries, allSkipped};
    }

    @Override
    public void close() {
        synchronized (lock) {
            stop.set(true);
            lock.notifyAll();
        }
    }
}
