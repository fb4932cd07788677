package dev.sextant.engine.format.text;

import java.util.Locale;

/** Byte counts as people read them, for the command line and the window alike. */
public final class Sizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Sizes() {}

    /** {@code 512 B}, {@code 312 KiB}, {@code 1.4 GiB}: three significant digits at most, binary units. */
    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, UNITS[u]);
    }
}
