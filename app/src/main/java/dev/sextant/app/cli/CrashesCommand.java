package dev.sextant.app.cli;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command.ListCrashes;
import dev.sextant.engine.api.CrashInbox;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.TargetException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sextant crashes [--dir DIR]… [--since TIME] [--json]}: every crash on the machine, grouped by signature. */
@Command(name = "crashes", mixinStandardHelpOptions = true,
        description = {"List the crashes on this machine, grouped by signature (the crashing thread's top frames): every core",
                "in systemd-coredump's directory (/var/lib/systemd/coredump), or in the directories given, compressed or not."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:listed", "1:listed, but some cores could not be read (said on stderr)", "2:bad arguments"})
public final class CrashesCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR",
            description = "a directory of cores (core, core.PID, systemd-coredump's core.*.zst…); repeatable; replaces the default")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME",
            description = "only crashes at or after TIME: 2026-05-28, 2026-05-28T14:00 (UTC), an ISO instant, or 30m, 2h, 3d ago")
    String since;

    @Option(names = "--json", description = "print JSON: {groups: [{signature, hash, count, first, last, program, signal, crashes: [...]}]}")
    boolean json;

    @Mixin ErrorOut errorOut = new ErrorOut();

    /**
     * The arguments bound by {@link PlainArgs} when they are plain and {@code --since} (if given) is a
     * time; else empty (picocli explains). picocli's classes were a tenth of listing 100 small cores.
     */
    public static Optional<CrashesCommand> plain(String[] args) {
        return PlainArgs.bind(new CrashesCommand(), args).filter(c -> c.since == null || sinceOrNull(c.since) != null);
    }

    private static Instant sinceOrNull(String since) {
        try {
            return parseTime(since, Instant.now());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override public Integer call() {
        PrintWriter err = errorOut.writer();
        Optional<Instant> from;
        try {
            from = since == null ? Optional.empty() : Optional.of(parseTime(since, Instant.now()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(errorOut.commandLine(), e.getMessage());
        }
        List<Path> where = dirs.isEmpty() ? List.of(ListCrashes.SYSTEMD_DIRECTORY) : dirs;
        CrashInbox inbox;
        try {
            inbox = OneShot.run(new ListCrashes(where, from, true, new Cancellation()));
        } catch (RuntimeException e) {
            err.println("sextant: " + (e instanceof TargetException ? e.getMessage() : String.valueOf(e)));
            return 2;
        }
        byte[] out = (json ? CrashesReport.json(inbox) : CrashesReport.text(inbox)).getBytes(StandardCharsets.UTF_8);
        System.out.write(out, 0, out.length);
        System.out.flush();
        boolean errors = false;
        for (Diagnostic d : inbox.diagnostics()) {
            err.println("sextant: " + d.message());
            errors |= d.severity() == Severity.ERROR;
        }
        err.flush();
        return errors ? 1 : 0;
    }

    /** {@code 2026-05-28}, {@code 2026-05-28T14:00} (UTC), {@code 2026-05-28T14:00:00Z}, or {@code 30m}, {@code 2h}, {@code 3d}, {@code 1w} before {@code now}. */
    static Instant parseTime(String s, Instant now) {
        String v = s.strip();
        if (v.matches("\\d{1,6}[smhdw]")) {
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            Duration d = switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        try {
            if (v.matches("\\d{4}-\\d{2}-\\d{2}")) return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (v.endsWith("Z") || v.matches(".*[+-]\\d{2}:\\d{2}$")) return java.time.OffsetDateTime.parse(v).toInstant();
            return LocalDateTime.parse(v.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since " + s + ": not a time; give 2026-05-28, 2026-05-28T14:00 (UTC), "
                    + "2026-05-28T14:00:00Z, or 30m, 2h, 3d, 1w (ago)");
        }
    }
}
