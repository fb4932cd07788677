package dev.sextant.engine.breakpad;

/** The export's stages on stderr with SEXTANT_TIMING=1: milliseconds since the export began, and the thread. */
final class Timing {
    static final boolean ON = "1".equals(System.getenv("SEXTANT_TIMING"));
    private static long start;

    private Timing() {}

    static void begin() { if (ON) start = System.nanoTime(); }

    static void mark(String what) {
        if (ON) System.err.printf("sextant: timing: %7.1f ms  %s [%s]%n", (System.nanoTime() - start) / 1e6, what, Thread.currentThread().getName());
    }
}
