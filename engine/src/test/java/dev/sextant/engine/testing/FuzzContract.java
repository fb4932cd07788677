package dev.sextant.engine.testing;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The contract every fuzz target checks for a parser or evaluator: on any input it returns or throws
 * one of the exceptions it documents (its typed format exception), never another exception, never
 * runs for seconds on a small input, and never allocates more than a bound proportional to the input.
 * Also counts executions per target and, when the JVM ends, appends {@code NAME executions seconds}
 * to {@code target/fuzz-stats.txt}, which {@code bench/fuzz.sh} and a reviewer read.
 */
public final class FuzzContract {
    /** Allocation allowed for one input: a fixed floor plus a multiple of its size. */
    private static final long FLOOR_BYTES = 64L << 20, PER_INPUT_BYTE = 256;
    private static final long SLOW_NANOS = 3_000_000_000L;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    private final String name;
    private final List<Class<? extends Exception>> allowed;
    private long executions, first, last;

    @SafeVarargs
    public FuzzContract(String name, Class<? extends Exception>... allowed) {
        this.name = name;
        this.allowed = Arrays.asList(allowed);
        Runtime.getRuntime().addShutdownHook(new Thread(this::writeStats, "fuzz-stats"));
    }

    /** A step of a target that may throw. */
    public interface Body { void run() throws Exception; }

    /**
     * Runs {@code body} on one input of {@code inputSize} bytes and checks the contract. A run that
     * loaded classes (which allocate and take time on this thread, and the fuzzer instruments them)
     * is run once more, warm, and that run is measured: the first input to reach a parser, as each
     * regression input replayed in a fresh JVM is, is measured too.
     */
    public void check(int inputSize, Body body) {
        if (executions++ == 0) first = System.nanoTime();
        for (int attempt = 0; attempt < 2; attempt++) {
            long tid = Thread.currentThread().getId();
            long bytesBefore = THREADS.getThreadAllocatedBytes(tid);
            long classesBefore = CLASSES.getTotalLoadedClassCount();
            long t0 = System.nanoTime();
            runAllowed(body);
            last = System.nanoTime();
            long nanos = last - t0;
            long allocated = THREADS.getThreadAllocatedBytes(tid) - bytesBefore;
            if (CLASSES.getTotalLoadedClassCount() != classesBefore) continue;
            if (allocated > FLOOR_BYTES + PER_INPUT_BYTE * (long) inputSize)
                throw new AssertionError(name + ": allocated " + allocated + " bytes for a " + inputSize + "-byte input");
            if (nanos > SLOW_NANOS)
                throw new AssertionError(name + ": " + nanos / 1_000_000 + " ms for a " + inputSize + "-byte input");
            return;
        }
    }

    private void runAllowed(Body body) {
        try {
            body.run();
        } catch (Exception e) {
            if (allowed.stream().noneMatch(c -> c.isInstance(e))) throw new AssertionError(name + ": " + e, e);
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError(name + ": a typed error without a message", e);
        }
    }

    private void writeStats() {
        double seconds = (last - first) / 1e9;
        try {
            Path out = Path.of("target", "fuzz-stats.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, String.format("%s %d %.1f%n", name, executions, seconds),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("fuzz-stats: " + e.getMessage());
        }
    }
}
