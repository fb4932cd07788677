package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/**
 * What {@code dump} prints of a crash dump: its report (threads, stacks, modules, diagnostics), the
 * system it ran on, the crash, and its tagged secondary data, decoded when asked.
 */
public record DumpSummary(DumpReport report, String os, String cpu, Optional<CrashReason> crash, List<DumpData> data) {
    public DumpSummary { data = List.copyOf(data); }
}
