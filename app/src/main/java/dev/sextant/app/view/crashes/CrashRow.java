package dev.sextant.app.view.crashes;

import dev.sextant.engine.api.CrashInbox.Crash;
import dev.sextant.engine.api.CrashMetadata;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One core of the selected group, as text for cells; the file is what a double click opens. Immutable. */
public record CrashRow(String time, String pid, String uid, String signal, String size, String host, String commandLine,
                       String file, Path path) {
    public static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    static CrashRow of(Crash c) {
        return new CrashRow(TIME_FORMAT.format(c.time()), c.pid().isPresent() ? Integer.toString(c.pid().getAsInt()) : "—",
                c.uid().isPresent() ? Integer.toString(c.uid().getAsInt()) : "—", c.signal().orElse("none"), size(c.size()),
                c.metadata().flatMap(CrashMetadata::hostname).orElse("—"), c.commandLine().orElse("—"), c.file().toString(), c.file());
    }

    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return (v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v)) + " " + units[u];
    }

    String searchText() { return time + " " + pid + " " + uid + " " + commandLine + " " + file + " " + host; }
}
