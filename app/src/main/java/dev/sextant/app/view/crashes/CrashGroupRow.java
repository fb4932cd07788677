package dev.sextant.app.view.crashes;

import dev.sextant.engine.api.CrashInbox.Group;

/** One signature group as the Crashes view shows it: text ready for cells, the group kept for its crashes. Immutable. */
public record CrashGroupRow(int count, String signature, String program, String signal, String last, String first,
                           String unnamed, String hash, Group group) {
    static CrashGroupRow of(Group g) {
        var s = g.signature();
        String unnamed = s.problem().isPresent() ? "unreadable"
                : s.unnamed().isEmpty() ? "none" : s.unnamed().size() + " of " + s.frames().size();
        return new CrashGroupRow(g.count(), s.text(), g.program(), g.signal().orElse("none"), CrashRow.TIME_FORMAT.format(g.last()),
                CrashRow.TIME_FORMAT.format(g.first()), unnamed, s.hash(), g);
    }

    String searchText() { return signature + " " + program + " " + signal + " " + hash; }
}
