package dev.sextant.app.view.summary;

/** What the crash summary shows, as text ready for labels. Immutable. */
public record Summary(String file, String format, String process, String commandLine, String executable,
                      String signal, String address, String crashedThread, int threads, String system) {
    public static final Summary EMPTY = new Summary("", "", "", "", "", "", "", "", 0, "");
}
