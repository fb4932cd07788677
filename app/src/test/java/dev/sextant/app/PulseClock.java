package dev.sextant.app;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import javafx.animation.AnimationTimer;

/**
 * Each JavaFX pulse's wall-clock time and the FX thread's CPU time, recorded by an AnimationTimer, for the
 * benchmarks that judge pulses (SymbolLoadPulseTest, ManyThreadsBench): the CPU time tells a busy FX thread
 * from one the shared machine starved. Start and stop it on the FX thread.
 */
public final class PulseClock {
    public final long[] wall, cpu;
    /** How many pulses are recorded: an array, so that a sampler can read the count as pulses go by. */
    public final int[] n = {0};
    private final AnimationTimer timer;

    /** Records up to {@code capacity} pulses (at 60 a second, 200,000 is 55 minutes). */
    public PulseClock(int capacity) {
        wall = new long[capacity];
        cpu = new long[capacity];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        timer = new AnimationTimer() {
            @Override public void handle(long now) {
                if (n[0] < wall.length) {
                    wall[n[0]] = System.nanoTime();
                    cpu[n[0]++] = mx.getCurrentThreadCpuTime();
                }
            }
        };
    }

    public void start() { timer.start(); }

    public void stop() { timer.stop(); }

    /** The differences between successive times {@code t[from..to)}: one per pulse after the first. */
    public static long[] gaps(long[] t, int from, int to) {
        long[] g = new long[Math.max(0, to - from - 1)];
        for (int i = from + 1; i < to; i++) g[i - from - 1] = t[i] - t[i - 1];
        return g;
    }

    public static long max(long[] xs) { return Arrays.stream(xs).max().orElse(0); }

    /** The {@code p}th percentile (nearest rank); 0 for no values. */
    public static long pct(long[] xs, int p) {
        if (xs.length == 0) return 0;
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[Math.max(0, Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1))];
    }
}
