package dev.sextant.app.cli;

import dev.sextant.engine.format.text.Sizes;
import dev.sextant.engine.api.CrashInbox;
import dev.sextant.engine.api.CrashInbox.Crash;
import dev.sextant.engine.api.CrashInbox.Group;
import dev.sextant.engine.format.json.JsonOut;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Renders the crash inbox: text for people, the JSON for scripts. */
public final class CrashesReport {
    private CrashesReport() {}

    /**
     * {@code {groups: [{signature, hash, count, first, last, program, signal, crashes: [{file, time, pid,
     * uid, exe, cmdline, signal, size}]}]}}: times as ISO-8601 UTC instants, sizes in bytes, absent values null.
     */
    public static String json(CrashInbox inbox) {
        JsonOut j = new JsonOut();
        j.beginObject().name("groups").beginArray();
        for (Group g : inbox.groups()) {
            j.beginObject().name("signature").value(g.signature().text()).name("hash").value(g.signature().hash())
                    .name("count").value(g.count()).name("first").value(g.first().toString()).name("last").value(g.last().toString())
                    .name("program").value(g.program()).name("signal").value(g.signal().orElse(null));
            j.name("crashes").beginArray();
            for (Crash c : g.crashes()) {
                j.beginObject().name("file").value(c.file().toString()).name("time").value(c.time().toString());
                RecordedText.number(j.name("pid"), c.pid());
                RecordedText.number(j.name("uid"), c.uid());
                j.name("exe").value(c.executable().orElse(null)).name("cmdline").value(c.commandLine().orElse(null))
                        .name("signal").value(c.signal().orElse(null)).name("size").value(c.size()).endObject();
            }
            j.endArray().endObject();
        }
        j.endArray().endObject();
        return j.text() + '\n';
    }

    public static String text(CrashInbox inbox) {
        StringBuilder sb = new StringBuilder(16 * 1024);
        String where = inbox.directories().stream().map(Path::toString).collect(Collectors.joining(", "));
        if (inbox.crashes().isEmpty()) return sb.append("No crashes in ").append(where).append('\n').toString();
        sb.append(inbox.crashes().size()).append(inbox.crashes().size() == 1 ? " crash" : " crashes").append(" in ")
                .append(inbox.groups().size()).append(inbox.groups().size() == 1 ? " group" : " groups")
                .append(" (").append(where).append("), the group seen last first\n");
        for (Group g : inbox.groups()) {
            sb.append('\n').append(g.count()).append("x  ").append(g.program()).append("  ").append(g.signal().orElse("no signal"))
                    .append("  last ").append(RecordedText.time(g.last()));
            if (g.count() > 1) sb.append(", first ").append(RecordedText.time(g.first()));
            sb.append("  [").append(g.signature().hash()).append("]\n");
            sb.append("    ").append(g.signature().text()).append('\n');
            if (!g.signature().unnamed().isEmpty()) {
                sb.append("    (frames ").append(g.signature().unnamed().stream().map(i -> Integer.toString(i + 1))
                        .collect(Collectors.joining(", "))).append(" of the signature are unnamed: their module's file or symbols are missing)\n");
            }
            for (Crash c : g.crashes()) {
                sb.append("    ").append(RecordedText.time(c.time()));
                c.pid().ifPresent(p -> sb.append("  pid ").append(p));
                c.uid().ifPresent(u -> sb.append("  uid ").append(u));
                sb.append("  ").append(Sizes.human(c.size())).append("  ").append(c.file()).append('\n');
            }
        }
        return sb.toString();
    }
}
