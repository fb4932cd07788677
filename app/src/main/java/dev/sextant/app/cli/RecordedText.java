package dev.sextant.app.cli;

import dev.sextant.engine.api.CrashMetadata;
import dev.sextant.engine.format.json.JsonOut;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalInt;

/** What systemd-coredump recorded beside a core, as the {@code stack} and {@code dump} reports print it. */
final class RecordedText {
    private RecordedText() {}

    /** {@code 2026-05-28 00:03:00 UTC}. */
    static String time(Instant t) { return Clock.TIME.format(t); }

    /**
     * Made at the first time printed, not with this class: a plain core has no recorded time, and
     * building the formatter (and loading java.time's fifty classes) cost {@code stack} ~9 ms.
     */
    private static final class Clock {
        static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    }

    /** {@code "recorded": {time, pid, uid, gid, signal, executable, commandLine, hostname, bootId, source}} or null. */
    static void json(JsonOut j, Optional<CrashMetadata> metadata) {
        j.name("recorded");
        if (metadata.isEmpty()) {
            j.nullValue();
            return;
        }
        CrashMetadata m = metadata.get();
        j.beginObject().name("time").value(m.time().map(Instant::toString).orElse(null));
        number(j.name("pid"), m.pid());
        number(j.name("uid"), m.uid());
        number(j.name("gid"), m.gid());
        j.name("signal").value(m.signalName().orElse(null))
                .name("executable").value(m.executable().orElse(null))
                .name("commandLine").value(m.commandLine().orElse(null))
                .name("hostname").value(m.hostname().orElse(null))
                .name("bootId").value(m.bootId().orElse(null))
                .name("source").value(m.source())
                .endObject();
    }

    static void number(JsonOut j, OptionalInt v) {
        if (v.isPresent()) j.value(v.getAsInt()); else j.nullValue();
    }

    /** {@code "Recorded: 2026-05-28 00:03:00 UTC, pid 812, uid 1000, SIGABRT, host build-7, boot 0123…"} and the executable's line. */
    static void text(StringBuilder sb, Optional<CrashMetadata> metadata) {
        if (metadata.isEmpty()) return;
        CrashMetadata m = metadata.get();
        sb.append("Recorded (").append(m.source()).append("): ").append(m.time().map(RecordedText::time).orElse("time unknown"));
        m.pid().ifPresent(p -> sb.append(", pid ").append(p));
        m.uid().ifPresent(u -> sb.append(", uid ").append(u));
        m.signalName().ifPresent(s -> sb.append(", ").append(s));
        m.hostname().ifPresent(h -> sb.append(", host ").append(h));
        m.bootId().ifPresent(b -> sb.append(", boot ").append(b));
        sb.append('\n');
        m.executable().ifPresent(e -> sb.append("Recorded executable: ").append(e).append('\n'));
        m.commandLine().ifPresent(c -> sb.append("Recorded command line: ").append(c).append('\n'));
    }
}
