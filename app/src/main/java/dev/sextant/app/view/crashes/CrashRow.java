package dev.sextant.app.view.crashes;

import dev.sextant.engine.format.text.Sizes;
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
                c.uid().isPresent() ? Integer.toString(c.uid().getAsInt()) : "—", c.signal().orElse("none"), Sizes.human(c.size()),
                c.metadata().flatMap(CrashMetadata::hostname).orElse("—"), c.commandLine().orElse("—"), c.file().toString(), c.file());
    }

    String searchText() { return time + " " + pid + " " + uid + " " + commandLine + " " + file + " " + host; }
}
