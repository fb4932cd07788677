package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.api.CrashReason;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dump as the {@code dump} command and the dump views show it: the report (process, threads,
 * stacks, modules, diagnostics), the system it came from, the crash summary when there was one, and
 * the secondary data list. Immutable.
 */
public record DumpOverview(DumpReport report, String os, String cpu, Optional<CrashReason> crash,
                           List<SecondaryData> secondaryData) {
    public DumpOverview { secondaryData = List.copyOf(secondaryData); }

    /** The overview of an ELF core already read by {@link ElfCoreReader}: its notes are the secondary data. */
    public static DumpOverview ofElfCore(DumpReport report, Path core) {
        List<SecondaryData> notes = List.of();
        List<Diagnostic> diags = new ArrayList<>(report.diagnostics());
        try {
            notes = SecondaryDataIndex.ofElfCore(CoreFile.open(CoreCache.standard().plain(core, CoreCache.Progress.NONE, new dev.sextant.engine.api.Cancellation())));
        } catch (FormatException | IOException e) {
            diags.add(new Diagnostic(Severity.ERROR, core + ": notes not listed: " + e.getMessage()));
        }
        Optional<CrashReason> crash = report.signal().map(s -> new CrashReason(s.number(), s.name(), s.faultAddress(),
                report.crashedThread().map(ThreadInfo::tid), s.describe()));
        DumpReport r = diags.size() == report.diagnostics().size() ? report : new DumpReport(report.file(), report.format(),
                report.process(), report.signal(), report.threads(), report.modules(), report.stacks(), diags, report.metadata());
        return new DumpOverview(r, "Linux", report.process().arch(), crash, notes);
    }
}
