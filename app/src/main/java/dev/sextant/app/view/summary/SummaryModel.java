package dev.sextant.app.view.summary;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.ThreadInfo;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The crash summary of the current target and the problems met while reading it. */
public final class SummaryModel {
    private final ReadOnlyObjectWrapper<Summary> summary = new ReadOnlyObjectWrapper<>(Summary.EMPTY);
    private final ObservableList<Diagnostic> diagnostics = FXCollections.observableArrayList();
    private long stopId = -1;

    public ReadOnlyObjectProperty<Summary> summary() { return summary.getReadOnlyProperty(); }

    public ObservableList<Diagnostic> diagnostics() { return FXCollections.unmodifiableObservableList(diagnostics); }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stopId = o.stopId();
                diagnostics.clear();
                var p = o.process();
                String crashed = o.threads().stream().filter(ThreadInfo::crashed).findFirst()
                        .map(t -> t.tid() + t.name().map(n -> " \"" + n + "\"").orElse("")).orElse("none");
                summary.set(new Summary(o.source(), o.format() + ", " + p.arch(),
                        p.pid() + (p.command().isEmpty() ? "" : " (" + p.command() + ")"),
                        p.commandLine(), p.executable().orElse("unknown"),
                        o.signal().map(s -> s.name() + " — " + s.codeName()).orElse("none"),
                        o.signal().flatMap(s -> s.faultAddress()).map(Object::toString).orElse("—"),
                        crashed, o.threads().size(), ""));
            } else if (e instanceof DebugEvent.CrashSummarized c && c.stopId() == stopId) {
                Summary old = summary.get();
                String signal = c.crash().map(r -> r.name() + (r.description().isEmpty() || r.description().equals(r.name())
                        ? "" : " — " + r.description())).orElse(old.signal());
                String address = c.crash().flatMap(r -> r.address()).map(Object::toString).orElse(old.address());
                summary.set(new Summary(old.file(), old.format(), old.process(), old.commandLine(), old.executable(), signal,
                        address, old.crashedThread(), old.threads(), c.os() + ", " + c.cpu()));
            } else if (e instanceof DebugEvent.DiagnosticReported d && d.stopId() == stopId) {
                diagnostics.add(d.diagnostic());
            } else if (e instanceof DebugEvent.TargetClosed) {
                summary.set(Summary.EMPTY);
                diagnostics.clear();
            }
        }
    }
}
