package dev.sextant.engine.code;

import dev.sextant.engine.api.Instruction;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A listing of a whole module file, every function with a size or every code section, decoded in
 * stretches on worker threads (x86 code; one Capstone handle each, as Capstone's are not
 * thread-safe) and handed on in the file's order on the calling thread. What a worker makes of a
 * stretch ({@code work}: its text, say) is made there too, so that nothing but the next few
 * stretches is held. A section's stretches start at function symbols, where decoding from the
 * section's start has an instruction boundary; where it has not (an instruction straddles the
 * symbol, or {@code fwait} joins the instruction after it), the stretch is decoded again, in order,
 * from where the one before it ended: the listing is the one run of decoding that objdump makes.
 */
final class WholeFile {
    private WholeFile() {}

    /** Decoding threads: -Dsextant.disasm.threads=N (1: the calling thread alone), default the CPU count up to 4. */
    private static final int THREADS = Math.max(1, Integer.getInteger("sextant.disasm.threads",
            Math.min(4, Runtime.getRuntime().availableProcessors())));
    /**
     * Bytes of code in a section's stretch, about (libc's .text is 170 of them). A stretch's
     * instructions are held while it is decoded: at 32 KiB, the two workers' 10,000 each outlived
     * young collections, were copied and promoted, and the old generation grew to 70 MB.
     */
    static final int PIECE = 8 << 10;

    /** What becomes of a decoded stretch, on the thread that decoded it. */
    interface Work<R> { R apply(FileCode code, FileCode.Stretch stretch, List<Instruction> decoded); }

    /** What a worker makes of a stretch, decoding it itself: where its instructions end, and its result. */
    interface Lister<R> { Listed<R> list(FileCode code, FileCode.Stretch stretch, Disassembler disassembler); }

    /** Where a stretch's last instruction ends, and what was made of it. */
    record Listed<R>(long end, R result) {}

    /** What sees each stretch's result, in the file's order, on the calling thread. */
    interface InOrder<R> { void accept(FileCode.Stretch stretch, R result); }

    /**
     * Lists {@code path} ({@code allCode}: its code sections, else its functions) with {@code own}
     * on this thread and workers of their own; returns how many sections or functions it listed.
     */
    static <R> int list(Path path, boolean allCode, Disassembler own, Work<R> work, InOrder<R> each) {
        return list(path, allCode, PIECE, true, own, work, each);
    }

    /** As {@link #list(Path, boolean, Disassembler, Work, InOrder)}, code sections in stretches of {@code piece} bytes, see {@link FileCode#codeStretches(int, boolean)}. */
    static <R> int list(Path path, boolean allCode, int piece, boolean atSymbols, Disassembler own, Work<R> work, InOrder<R> each) {
        return listEach(path, allCode, piece, atSymbols, own, (code, s, d) -> {
            List<Instruction> decoded = code.decode(s, d, code.stretchSymbols());
            return new Listed<>(FileCode.Stretch.end(s, decoded), work.apply(code, s, decoded));
        }, each);
    }

    /** As {@link #list(Path, boolean, int, boolean, Disassembler, Work, InOrder)}, each stretch decoded by {@code work}. */
    static <R> int listEach(Path path, boolean allCode, int piece, boolean atSymbols, Disassembler own, Lister<R> work, InOrder<R> each) {
        return listEach(path, allCode, piece, atSymbols, () -> own, work, each);
    }

    /**
     * As {@link #listEach(Path, boolean, int, boolean, Disassembler, Lister, InOrder)}, the calling
     * thread's disassembler asked for once the file's headers, symbols and code are read (Capstone's
     * library may be loading meanwhile on another thread).
     */
    static <R> int listEach(Path path, boolean allCode, int piece, boolean atSymbols, Supplier<Disassembler> ownWhenRead, Lister<R> work,
                            InOrder<R> each) {
        return FileCode.open(path, code -> {
            Iterator<FileCode.Stretch> stretches = allCode ? code.codeStretches(piece, atSymbols).iterator() : code.functionStretches();
            Disassembler own = ownWhenRead.get();
            Ordered<R> ordered = new Ordered<>(code, own, work, each);
            if (!code.parallel() || THREADS == 1) {
                while (stretches.hasNext()) {
                    FileCode.Stretch s = stretches.next();
                    ordered.accept(decode(code, s, own, work));
                }
            } else {
                inParallel(code, stretches, work, ordered);
            }
            return ordered.listings;
        });
    }

    /** A stretch decoded, where its instructions end, and what {@code work} made of them. */
    private record Done<R>(FileCode.Stretch stretch, long end, R result) {}

    private static <R> Done<R> decode(FileCode code, FileCode.Stretch s, Disassembler d, Lister<R> work) {
        Listed<R> listed = work.list(code, s, d);
        return new Done<>(s, listed.end(), listed.result());
    }

    /** Takes stretches in order, decodes again one that does not start where the one before it ended. */
    private static final class Ordered<R> {
        final FileCode code;
        final Disassembler own;
        final Lister<R> work;
        final InOrder<R> each;
        long end;
        int listings;

        Ordered(FileCode code, Disassembler own, Lister<R> work, InOrder<R> each) {
            this.code = code; this.own = own; this.work = work; this.each = each;
        }

        void accept(Done<R> done) {
            FileCode.Stretch s = done.stretch();
            if (s.continues() && end != s.start() + s.bias()) done = decode(code, s.from(end), own, work);
            if (!s.continues()) listings++;
            end = done.end();
            each.accept(done.stretch(), done.result());
        }
    }

    private static <R> void inParallel(FileCode code, Iterator<FileCode.Stretch> stretches, Lister<R> work, Ordered<R> ordered) {
        Queue<Disassembler> opened = new ConcurrentLinkedQueue<>();
        ThreadLocal<Disassembler> mine = ThreadLocal.withInitial(() -> {
            Disassembler d = new Disassembler();
            opened.add(d);
            return d;
        });
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "sextant-disasm");
            t.setDaemon(true);
            return t;
        });
        try {
            ArrayDeque<Future<Done<R>>> inFlight = new ArrayDeque<>();
            while (stretches.hasNext() || !inFlight.isEmpty()) {
                while (stretches.hasNext() && inFlight.size() < THREADS * 3) {
                    FileCode.Stretch s = stretches.next();
                    inFlight.add(pool.submit(() -> decode(code, s, mine.get(), work)));
                }
                ordered.accept(await(inFlight.poll()));
            }
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            opened.forEach(Disassembler::close);
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.sextant.engine.api.TargetException("interrupted");
        }
    }
}
