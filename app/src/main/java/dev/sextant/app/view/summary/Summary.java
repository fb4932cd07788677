package dev.sextant.app.view.summary;

/** What the crash summary shows, as text ready for labels. Immutable. */
public record Summary(String file, String format, String process, String commandLine, String executable,
                      String signal, String address, String crashedThread, int threads, String system, String recorded) {
    public static final Summary EMPTY = new Summary("", "", "", "", "", "", "", "", 0, "", "");

    /** A summary without what systemd-coredump recorded (none yet, or not such a core). */
    public Summary(String file, String format, String process, String commandLine, String executable,
                   String signal, String address, String crashedThread, int threads, String system) {
        this(file, format, process, commandLine, executable, signal, address, crashedThread, threads, system, "");
    }

    /** This summary with {@code recorded}: when, which user and host, which boot, as systemd-coredump recorded it. */
    public Summary withRecorded(String recorded) {
        return new Summary(file, format, process, commandLine, executable, signal, address, crashedThread, threads, system, recorded);
    }
}
