package dev.sextant.app.view.summary;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.CrashMetadata;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.ThreadInfo;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The crash summary of the current target and the problems met while reading it; for a live target,
 * the last stop: the thread that stopped it, why, and how many threads there are.
 */
public final class SummaryModel {
    private final ReadOnlyObjectWrapper<Summary> summary = new ReadOnlyObjectWrapper<>(Summary.EMPTY);
    private final ObservableList<Diagnostic> diagnostics = FXCollections.observableArrayList();
    private long stopId = -1;
    private Tid stoppedTid;   // the thread that stopped a live target last
    private java.util.Set<Tid> threads = new java.util.HashSet<>();   // as Threads lists them: created and exited while running too
    /** A dump's or a stop's threads not yet put in {@link #threads}: a set of 100,000 is made only when a thread comes or goes. */
    private List<ThreadInfo> listed;

    public ReadOnlyObjectProperty<Summary> summary() { return summary.getReadOnlyProperty(); }

    public ObservableList<Diagnostic> diagnostics() { return FXCollections.unmodifiableObservableList(diagnostics); }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        boolean counted = false;     // threads came or went while running: the count once per batch
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                stoppedTid = null;
                diagnostics.clear();
                listed = o.threads();
                var p = o.process();
                String crashed = o.threads().stream().filter(ThreadInfo::crashed).findFirst()
                        .map(t -> t.tid() + t.name().map(n -> " \"" + n + "\"").orElse("")).orElse("none");
                summary.set(new Summary(o.source(), o.format() + ", " + p.arch(),
                        p.pid() + (p.command().isEmpty() ? "" : " (" + p.command() + ")"),
                        p.commandLine(), p.executable().orElse("unknown"),
                        o.signal().map(s -> s.name() + " — " + s.codeName()).orElse("none"),
                        o.signal().flatMap(s -> s.faultAddress()).map(Object::toString).orElse("—"),
                        crashed, o.threads().size(), o.format().startsWith("live") ? "Linux, " + p.arch() : ""));
            } else if (e instanceof DebugEvent.CrashMetadataRead m && m.stopId() == stopId) {
                summary.set(summary.get().withRecorded(recorded(m.metadata())));
            } else if (e instanceof DebugEvent.CrashSummarized c && c.stopId() == stopId) {
                Summary old = summary.get();
                // A Linux signal was already said with its code; other platforms' crashes are said here.
                boolean known = !old.signal().equals("none");
                String signal = known ? old.signal() : c.crash().map(r -> r.name() + (r.description().isEmpty()
                        || r.description().equals(r.name()) ? "" : " — " + r.description())).orElse(old.signal());
                String address = known ? old.address() : c.crash().flatMap(r -> r.address()).map(Object::toString).orElse(old.address());
                summary.set(new Summary(old.file(), old.format(), old.process(), old.commandLine(), old.executable(), signal,
                        address, old.crashedThread(), old.threads(), c.os() + ", " + c.cpu(), old.recorded()));
            } else if (e instanceof DebugEvent.ProcessStopped p && p.stopId() >= stopId && !summary.get().file().isEmpty()) {
                // A live target: the summary follows each stop (which thread, why), as the dump's does its crash.
                stopId = p.stopId();
                stoppedTid = p.tid();
                Summary old = summary.get();
                String why = old.signal(), address = "—";
                StopReason r = p.reason();
                if (r instanceof StopReason.SignalReceived g) {
                    why = g.signal().name() + " — " + g.signal().codeName();
                    address = g.signal().faultAddress().map(Object::toString).orElse("—");
                } else if (r instanceof StopReason.BreakpointHit b) {
                    why = "breakpoint " + b.breakpointId() + " at " + b.pc() + " (hit " + b.hitCount() + ")";
                } else if (r instanceof StopReason.StepCompleted c) {
                    why = "step, now at " + c.pc();
                } else if (r instanceof StopReason.Interrupted i) {
                    why = "break, at " + i.pc();
                } else if (r instanceof StopReason.ThreadExit x) {
                    why = "thread " + x.tid() + " exited: " + x.status().describe();
                } else if (r instanceof StopReason.ProcessExit x) {
                    why = "the process ended: " + x.status().describe();
                }
                summary.set(new Summary(old.file(), old.format(), old.process(), old.commandLine(), old.executable(), why,
                        address, p.tid().toString(), old.threads(), old.system()));
            } else if (e instanceof DebugEvent.ThreadCreated c && c.stopId() >= stopId && threadSet().add(c.tid())) {
                counted = true;
            } else if (e instanceof DebugEvent.ThreadExited x && x.stopId() >= stopId && threadSet().remove(x.tid())) {
                counted = true;
            } else if (e instanceof DebugEvent.ThreadsRefreshed t && t.stopId() >= stopId && !summary.get().file().isEmpty()) {
                listed = t.threads();
                Summary old = summary.get();
                String stopped = stoppedTid == null ? old.crashedThread() : t.threads().stream()
                        .filter(x -> x.tid().equals(stoppedTid)).findFirst()
                        .map(x -> x.tid() + x.name().map(n -> " \"" + n + "\"").orElse("")).orElse(old.crashedThread());
                summary.set(new Summary(old.file(), old.format(), old.process(), old.commandLine(), old.executable(), old.signal(),
                        old.address(), stopped, t.threads().size(), old.system()));
            } else if (e instanceof DebugEvent.ProcessResumed r && r.stopId() >= stopId && !summary.get().file().isEmpty()) {
                Summary old = summary.get();
                summary.set(new Summary(old.file(), old.format(), old.process(), old.commandLine(), old.executable(), "running",
                        "—", "— (running)", threadCount(), old.system()));
            } else if (e instanceof DebugEvent.DiagnosticReported d && d.stopId() == stopId) {
                diagnostics.add(d.diagnostic());
            } else if (e instanceof DebugEvent.TargetClosed) {
                summary.set(Summary.EMPTY);
                diagnostics.clear();
            }
        }
        if (counted) recount();
    }

    private void recount() {
        Summary old = summary.get();
        if (old.file().isEmpty()) return;
        summary.set(new Summary(old.file(), old.format(), old.process(), old.commandLine(), old.executable(), old.signal(),
                old.address(), old.crashedThread(), threadCount(), old.system(), old.recorded()));
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** {@code "2026-05-28 00:03:00 UTC by systemd-coredump (xattr): pid 812, uid 1000, host build-7, boot 0123…"}. */
    static String recorded(CrashMetadata m) {
        StringBuilder sb = new StringBuilder(m.time().map(TIME::format).orElse("time unknown"));
        sb.append(" by systemd-coredump (").append(m.source()).append(')');
        List<String> parts = new ArrayList<>();
        m.pid().ifPresent(p -> parts.add("pid " + p));
        m.uid().ifPresent(u -> parts.add("uid " + u));
        m.hostname().ifPresent(h -> parts.add("host " + h));
        m.bootId().ifPresent(b -> parts.add("boot " + b));
        if (!parts.isEmpty()) sb.append(": ").append(String.join(", ", parts));
        return sb.toString();
    }

    private java.util.Set<Tid> threadSet() {
        if (listed != null) {
            threads = new java.util.HashSet<>(Math.max(16, listed.size() * 4 / 3 + 1));
            for (ThreadInfo t : listed) threads.add(t.tid());
            listed = null;
        }
        return threads;
    }

    private int threadCount() { return listed != null ? listed.size() : threads.size(); }
}
